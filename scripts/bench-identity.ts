/**
 * What proving an identity costs: Ed25519 signing and verification in-process, and the whole check the pipeline runs
 * before it counts a decision (people registry read, signature, artifact read, nonce spent) against the configured
 * MongoDB-wire server, beside a plain read of one document in the same run. Runs in a fresh database, dropped at the
 * end. Prints a table, then one line of JSON (keys carry their units).
 *
 *   npm run bench:identity        # BENCH_SIGNATURES (default 5000) and BENCH_CHECKS (default 300) resize it
 *   npm run bench:identity -- --quick   # 500 signatures and 30 checks unless those are set
 */
import { randomBytes } from 'node:crypto';
import { createAuditLog } from '../src/audit';
import { config } from '../src/config';
import { connectMongo } from '../src/db';
import { addPerson, grantsOf } from '../src/identity/admin';
import { generateKeyPair, readPrivateKey } from '../src/identity/keys';
import { createPeopleStore } from '../src/identity/people';
import { createSignatureUses } from '../src/identity/signature-uses';
import { signAction, signatureHolds } from '../src/identity/signed-fields';
import { verifyIdentity } from '../src/identity/verify-identity';
import { quickFlag, sizeFromEnv } from './lib/bench-size';
import { percentile } from './lib/percentile';

const QUICK = quickFlag();
const SIGNATURES = sizeFromEnv('BENCH_SIGNATURES', QUICK, { full: 5000, quick: 500 });
const CHECKS = sizeFromEnv('BENCH_CHECKS', QUICK, { full: 300, quick: 30 });
const SHA = 'c'.repeat(64);

function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e3;
}

async function timedAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const pair = generateKeyPair();
  const key = readPrivateKey(pair.privateKeyPem);
  const what = (i: number) => ({ pipelineId: 'deploy-bench-1.0.0', model: 'bench', version: '1.0.0', artifactSha256: SHA, action: 'approve' as const, comment: `check ${i}`, signer: 'bob' });

  const signUs: number[] = [];
  const verifyUs: number[] = [];
  for (let i = 0; i < SIGNATURES; i++) {
    let sig!: ReturnType<typeof signAction>;
    signUs.push(timed(() => (sig = signAction(what(i), key))));
    verifyUs.push(timed(() => void signatureHolds({ ...what(i), at: sig.at, nonce: sig.nonce }, sig.value, pair.publicKey)));
  }

  const mongo = await connectMongo(config(), `ms_bench_identity_${randomBytes(4).toString('hex')}`);
  try {
    const db = mongo.db;
    await addPerson(db, createAuditLog(db), { name: 'bob', publicKey: pair.publicKey, grants: grantsOf(['approver', 'admin'], []), admin: null });
    const deps = { people: createPeopleStore(db), uses: createSignatureUses(db), artifactOf: async () => SHA, now: () => new Date() };
    const plainMs: number[] = [];
    const checkMs: number[] = [];
    for (let i = 0; i < CHECKS; i++) {
      const signature = signAction(what(i), key);
      const req = { pipelineId: 'deploy-bench-1.0.0', model: 'bench', version: '1.0.0', action: 'approve' as const, comment: `check ${i}`, claimed: 'bob', signature, useKey: `bench:${i}` };
      plainMs.push(await timedAsync(() => deps.people.get('bob')));
      let verified = false;
      checkMs.push(await timedAsync(async () => (verified = (await verifyIdentity(deps, req)).verified)));
      if (!verified) throw new Error(`check ${i} was refused`);
    }
    const row = (name: string, xs: number[], unit: string) => `${name.padEnd(44)} ${percentile(xs, 0.5).toFixed(3).padStart(9)} ${percentile(xs, 0.99).toFixed(3).padStart(9)}  ${unit}`;
    console.log(`${'step'.padEnd(44)} ${'p50'.padStart(9)} ${'p99'.padStart(9)}`);
    console.log(row(`Ed25519 sign (${SIGNATURES})`, signUs, 'µs'));
    console.log(row(`Ed25519 verify (${SIGNATURES})`, verifyUs, 'µs'));
    console.log(row(`plain read of one person (${CHECKS})`, plainMs, 'ms'));
    console.log(row(`whole identity check, nonce spent (${CHECKS})`, checkMs, 'ms'));
    const ratio = percentile(checkMs, 0.5) / percentile(plainMs, 0.5);
    console.log(`the whole check costs ${ratio.toFixed(1)}x a plain read at p50`);
    console.log(
      JSON.stringify({
        bench: 'identity',
        quick: QUICK,
        sign_p50_us: percentile(signUs, 0.5),
        verify_p50_us: percentile(verifyUs, 0.5),
        verify_p99_us: percentile(verifyUs, 0.99),
        plain_read_p50_ms: percentile(plainMs, 0.5),
        identity_check_p50_ms: percentile(checkMs, 0.5),
        identity_check_p99_ms: percentile(checkMs, 0.99),
        identity_check_vs_plain_read_ratio: ratio,
      }),
    );
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
