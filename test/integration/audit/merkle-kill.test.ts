import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAuditIndexes } from '../../../src/audit';
import { mulberry32 } from '../../../src/models/prng';
import { openTestDb } from '../../support/mongo';
import { runCli } from '../cli/run-cli';
import { startWriter, type Writer } from './writer-process';

describe('checkpointing writers killed at random moments', () => {
  it('lose no acknowledged event, double none, and leave every checkpoint consistent with the log', async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
    console.log(`merkle kill test seed ${seed} (repeat with KILL_SEED=${seed})`);
    const next = mulberry32(seed);
    const mongo = await openTestDb('merkle_kill');
    await ensureAuditIndexes(mongo.db);
    const home = mkdtempSync(join(tmpdir(), 'modelship-merkle-kill-'));
    const env = { ...process.env, MONGODB_DB: mongo.db.databaseName, AUDIT_DIR: home, AUDIT_CHECKPOINT_EVERY: '7' };
    const acked = new Set<string>();
    const all: Writer[] = [];
    try {
      for (let round = 0; round < 4; round++) {
        // Two workers at once, as two processes sharing the log and its key.
        const writers = [startWriter(env, `r${round}a`), startWriter(env, `r${round}b`)];
        all.push(...writers);
        await Promise.all(writers.map((w) => w.started));
        await new Promise((resolve) => setTimeout(resolve, 200 + next() * 1500));
        for (const w of writers) w.child.kill('SIGKILL');
        await Promise.all(writers.map((w) => w.ended));
        for (const w of writers) w.acked.forEach((id) => acked.add(id));
      }
      const last = startWriter(env, 'final', 12);
      expect(await last.ended).toBe(0);
      last.acked.forEach((id) => acked.add(id));

      const stored = await mongo.db.collection('audit_events').find({}, { projection: { _id: 1 } }).toArray();
      const ids = new Set(stored.map((d) => String(d._id)));
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      expect(ids.size).toBe(stored.length);

      const checkpoint = await runCli(['audit', 'checkpoint'], env);
      expect(checkpoint.stderr).toBe('');
      const verify = await runCli(['audit', 'verify'], env);
      expect(verify.stdout).toContain(`audit log intact: ${stored.length} events verified`);
      expect(verify.stdout).toMatch(new RegExp(`checkpoints: \\d+ verified, consistent with each other and with the log \\(newest signs ${stored.length} events\\)`));
      expect(verify.code).toBe(0);
    } finally {
      for (const w of all) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await mongo.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});
