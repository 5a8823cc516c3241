import { setMaxListeners } from 'node:events';
import type { HeldOutUser } from '../models';

export interface ReplayOptions {
  gateways: string[];
  model: string;
  cases: HeldOutUser[];
  /** Requests per second across all gateways. */
  ratePerSec: number;
  /** Stops after this many requests or this long, whichever comes first: a replay is always bounded. */
  maxRequests: number;
  maxDurationMs: number;
  k?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface VersionTally {
  requests: number;
  errors: number;
  feedback: number;
  successes: number;
  candidate: number;
}

export interface ReplayStats {
  sent: number;
  ok: number;
  errors: number;
  feedbackSent: number;
  byVersion: Record<string, VersionTally>;
  elapsedMs: number;
}

interface RecommendationBody {
  version: string;
  variant: 'stable' | 'candidate';
  items: number[];
}

/** A user keeps talking to one replica, as behind a load balancer with session affinity, so the replica that
 *  recommended an item is the one that hears the feedback. */
function gatewayFor(gateways: string[], user: number): string {
  return gateways[Math.abs(Math.imul(user, 0x9e3779b1)) % gateways.length];
}

/**
 * Replays held-out interactions as live traffic: each request asks for a user's recommendations, and when the user
 * really consumed one of the recommended items later (it is in their held-out set) the consumption is fed back.
 */
export async function replayTraffic(options: ReplayOptions): Promise<ReplayStats> {
  const k = options.k ?? 10;
  const concurrency = options.concurrency ?? 16;
  const relevant = options.cases.map((c) => new Set(c.relevant));
  const stats: ReplayStats = { sent: 0, ok: 0, errors: 0, feedbackSent: 0, byVersion: {}, elapsedMs: 0 };
  // Every request in flight listens on the one signal; thousands at once are expected, not a leak.
  if (options.signal) setMaxListeners(0, options.signal);
  const started = performance.now();
  const intervalMs = 1000 / options.ratePerSec;
  let next = 0;

  const tally = (version: string) =>
    (stats.byVersion[version] ??= { requests: 0, errors: 0, feedback: 0, successes: 0, candidate: 0 });

  async function one(index: number): Promise<void> {
    const c = options.cases[index % options.cases.length];
    const base = gatewayFor(options.gateways, c.userId);
    const url = `${base}/v1/recommendations?model=${encodeURIComponent(options.model)}&user=${c.userId}&k=${k}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: options.signal });
    } catch {
      stats.errors++;
      return;
    }
    if (!res.ok) {
      stats.errors++;
      const body = (await res.json().catch(() => ({}))) as { version?: string };
      if (body.version) tally(body.version).errors++;
      return;
    }
    const body = (await res.json()) as RecommendationBody;
    stats.ok++;
    const t = tally(body.version);
    t.requests++;
    if (body.variant === 'candidate') t.candidate++;
    const hit = body.items.find((item) => relevant[index % options.cases.length].has(item));
    if (hit === undefined) return;
    const feedback = await fetch(`${base}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: options.model, user: c.userId, item: hit, version: body.version, event: 'consume' }),
      signal: options.signal,
    }).catch(() => null);
    if (!feedback?.ok) {
      await feedback?.body?.cancel();
      return;
    }
    stats.feedbackSent++;
    t.feedback++;
    if (((await feedback.json()) as { success: boolean }).success) t.successes++;
  }

  async function worker(): Promise<void> {
    for (;;) {
      if (options.signal?.aborted) return;
      const elapsed = performance.now() - started;
      if (next >= options.maxRequests || elapsed >= options.maxDurationMs) return;
      const index = next++;
      const due = index * intervalMs - elapsed;
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      if (performance.now() - started >= options.maxDurationMs) return;
      stats.sent++;
      await one(index);
    }
  }

  await Promise.all(Array.from({ length: concurrency }, worker));
  stats.elapsedMs = performance.now() - started;
  return stats;
}
