// Replays held-out interactions as live traffic against the gateway replicas, with feedback on real consumption.
import { parseArgs } from 'node:util';
import { config } from '../src/config';
import { loadWorkload } from '../src/datasets/workload';
import { replayTraffic } from '../src/traffic/replayer';

const USAGE = `usage: replay-traffic --model NAME [--rate REQ_PER_S] [--requests N] [--duration SECONDS]
                      [--data auto|synthetic|PATH] [--k K] [--gateways URL,URL]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      rate: { type: 'string', default: '50' },
      requests: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '60' },
      data: { type: 'string', default: 'auto' },
      k: { type: 'string', default: '10' },
      gateways: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const numbers = { rate: Number(values.rate), requests: Number(values.requests), duration: Number(values.duration), k: Number(values.k) };
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: must be a positive number\n${USAGE}`);
  }
  if (!values.model) throw new Error(`--model: required\n${USAGE}`);
  const gateways = (values.gateways ?? config().GATEWAY_URLS).split(',');
  const workload = await loadWorkload({ source: values.data });
  console.log(`replaying ${workload.heldOut.length} users from ${workload.source} to ${gateways.join(', ')}`);
  const stats = await replayTraffic({
    gateways,
    model: values.model,
    cases: workload.heldOut,
    ratePerSec: numbers.rate,
    maxRequests: numbers.requests,
    maxDurationMs: numbers.duration * 1000,
    k: numbers.k,
  });
  console.table(stats.byVersion);
  console.log(JSON.stringify({ sent: stats.sent, ok: stats.ok, errors: stats.errors, feedback: stats.feedbackSent, elapsed_ms: Math.round(stats.elapsedMs) }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
