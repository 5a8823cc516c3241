/** Columnar interactions: row r is (users[r], items[r], ratings[r], timestamps[r]). Ids are external. */
export interface Interactions {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  /** Seconds since the epoch, as in MovieLens; float64 so dates past 2038 still fit. */
  timestamps: Float64Array;
}

/** Grows by doubling so that streaming a file costs amortised O(1) per row and no per-row objects. */
export class InteractionsBuilder {
  private users = new Int32Array(1024);
  private items = new Int32Array(1024);
  private ratings = new Float32Array(1024);
  private timestamps = new Float64Array(1024);
  private length = 0;

  push(user: number, item: number, rating: number, timestamp: number): void {
    if (this.length === this.users.length) this.grow();
    const r = this.length++;
    this.users[r] = user;
    this.items[r] = item;
    this.ratings[r] = rating;
    this.timestamps[r] = timestamp;
  }

  build(): Interactions {
    const n = this.length;
    return {
      users: this.users.slice(0, n),
      items: this.items.slice(0, n),
      ratings: this.ratings.slice(0, n),
      timestamps: this.timestamps.slice(0, n),
    };
  }

  private grow(): void {
    const size = this.users.length * 2;
    this.users = grown(this.users, new Int32Array(size));
    this.items = grown(this.items, new Int32Array(size));
    this.ratings = grown(this.ratings, new Float32Array(size));
    this.timestamps = grown(this.timestamps, new Float64Array(size));
  }
}

function grown<T extends Int32Array | Float32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Rows picked by index, in the given order. */
export function selectRows(data: Interactions, rows: ArrayLike<number>): Interactions {
  const n = rows.length;
  const out: Interactions = {
    users: new Int32Array(n),
    items: new Int32Array(n),
    ratings: new Float32Array(n),
    timestamps: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.users[i] = data.users[r];
    out.items[i] = data.items[r];
    out.ratings[i] = data.ratings[r];
    out.timestamps[i] = data.timestamps[r];
  }
  return out;
}
