import { LRUCache } from 'lru-cache';

/** What each version recently recommended to each user, so feedback can be credited to the version that earned it. */
export function createRecentRecommendations({ max = 200_000, ttlMs = 15 * 60_000 } = {}) {
  const cache = new LRUCache<string, Set<number>>({ max, ttl: ttlMs });
  const key = (model: string, version: string, user: number) => `${model}|${version}|${user}`;
  return {
    remember(model: string, version: string, user: number, items: number[]): void {
      const k = key(model, version, user);
      const set = cache.get(k) ?? new Set<number>();
      for (const item of items) set.add(item);
      cache.set(k, set);
    },
    recommended(model: string, version: string, user: number, item: number): boolean {
      return cache.get(key(model, version, user))?.has(item) ?? false;
    },
  };
}

export type RecentRecommendations = ReturnType<typeof createRecentRecommendations>;
