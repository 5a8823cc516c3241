/**
 * Compressed sparse rows of the user x item interaction matrix, in both orientations, with
 * duplicate (user, item) pairs merged so each pair contributes one confidence value.
 */
export interface Csr {
  offsets: Int32Array;
  cols: Int32Array;
  /** Extra confidence e of each entry; the implicit-ALS confidence is c = 1 + e. */
  values: Float64Array;
}

export function buildCsrPair(
  userIndex: Int32Array,
  itemIndex: Int32Array,
  weight: Float64Array,
  users: number,
  items: number,
): { byUser: Csr; byItem: Csr } {
  const order = Int32Array.from(userIndex.keys());
  order.sort((a, b) => userIndex[a] - userIndex[b] || itemIndex[a] - itemIndex[b]);

  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (const r of order) {
    const last = rows.length - 1;
    if (last >= 0 && rows[last] === userIndex[r] && cols[last] === itemIndex[r]) {
      values[last] += weight[r];
    } else {
      rows.push(userIndex[r]);
      cols.push(itemIndex[r]);
      values.push(weight[r]);
    }
  }
  return {
    byUser: countingSort(rows, cols, values, users),
    byItem: countingSort(cols, rows, values, items),
  };
}

/** Stable bucket sort by row: within a row, entries keep their input order (ascending column here). */
function countingSort(rows: number[], cols: number[], values: number[], rowCount: number): Csr {
  const offsets = new Int32Array(rowCount + 1);
  for (const row of rows) offsets[row + 1]++;
  for (let i = 0; i < rowCount; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, rowCount);
  const outCols = new Int32Array(rows.length);
  const outValues = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const at = cursor[rows[k]]++;
    outCols[at] = cols[k];
    outValues[at] = values[k];
  }
  return { offsets, cols: outCols, values: outValues };
}
