import type { ArtifactMetadata, PopularityArtifact } from '../artifact/format';
import type { Interactions } from '../data/interactions';
import { buildIdIndex } from './id-index';

export interface PopularityOptions {
  /** Interactions rated below this do not count. */
  minRating?: number;
  /** Merged into the artifact metadata. */
  metadata?: ArtifactMetadata;
}

/** Number of distinct users per item, aligned with `itemIds`; items absent from the data score 0. */
export function itemPopularity(data: Interactions, itemIds: Float64Array, minRating = 0): Float32Array {
  const position = new Map<number, number>();
  itemIds.forEach((id, i) => position.set(id, i));
  const users = buildIdIndex(data.users).indexOf;
  // user index x catalogue size + item index is unique and stays far below 2^53.
  const seen = new Set<number>();
  const counts = new Float32Array(itemIds.length);
  for (let r = 0; r < data.items.length; r++) {
    if (data.ratings[r] < minRating) continue;
    const i = position.get(data.items[r]);
    if (i === undefined) continue;
    const key = users.get(data.users[r])! * itemIds.length + i;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[i]++;
  }
  return counts;
}

/** The baseline every model must beat: the same most-popular list for everyone. */
export function trainPopularity(data: Interactions, options: PopularityOptions = {}): PopularityArtifact {
  const minRating = options.minRating ?? 0;
  const { ids } = buildIdIndex(data.items);
  return {
    kind: 'popularity',
    itemIds: ids,
    scores: itemPopularity(data, ids, minRating),
    metadata: {
      ...options.metadata,
      training: { algorithm: 'popularity', minRating, interactions: data.items.length, items: ids.length },
    },
  };
}
