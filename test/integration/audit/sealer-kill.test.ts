import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAuditIndexes } from '../../../src/audit';
import { AUDIT_INBOX } from '../../../src/audit/lanes';
import { sealerTerms } from '../../../src/audit/sealer-lease';
import { mulberry32 } from '../../../src/models/prng';
import { openTestDb } from '../../support/mongo';
import { runCli } from '../cli/run-cli';
import { startWriter, type Writer } from './writer-process';

const WRITERS = 4;
const KILLS = 6;

describe('contending writers killed one at a time at random moments, the sealer among them', () => {
  it('lose no acknowledged event, double none, and leave every chain and checkpoint intact', async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
    console.log(`sealer kill test seed ${seed} (repeat with KILL_SEED=${seed})`);
    const next = mulberry32(seed);
    const mongo = await openTestDb('sealer_kill');
    await ensureAuditIndexes(mongo.db);
    const home = mkdtempSync(join(tmpdir(), 'modelship-sealer-kill-'));
    // No pause between appends: the writers contend, so one seals and the others go through their lanes.
    const env = { ...process.env, MONGODB_DB: mongo.db.databaseName, AUDIT_DIR: home, AUDIT_CHECKPOINT_EVERY: '25', AUDIT_LOOP_PAUSE_MS: '0' };
    const acked = new Set<string>();
    const all: Writer[] = [];
    const start = (name: string, limit?: number) => {
      const w = startWriter(env, name, limit);
      all.push(w);
      return w;
    };
    try {
      const live = Array.from({ length: WRITERS }, (_, i) => start(`w${i}`));
      await Promise.all(live.map((w) => w.started));
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 300 + next() * 1500));
        const at = Math.floor(next() * live.length);
        const victim = live[at]!;
        victim.child.kill('SIGKILL');
        await victim.ended;
        live[at] = start(`k${kill}`);
        // A writer that killed the sealer waits for its term to lapse before its first append returns.
        await live[at]!.started;
      }
      for (const w of live) w.child.kill('SIGKILL');
      await Promise.all(live.map((w) => w.ended));
      const last = start('final', 12);
      expect(await last.ended).toBe(0);
      for (const w of all) w.acked.forEach((id) => acked.add(id));

      expect(await sealerTerms(mongo.db).countDocuments({})).toBeGreaterThanOrEqual(1);
      expect(await mongo.db.collection(AUDIT_INBOX).countDocuments({})).toBeGreaterThan(0);
      const stored = await mongo.db.collection('audit_events').find({}, { projection: { _id: 1 } }).toArray();
      const ids = new Set(stored.map((d) => String(d._id)));
      console.log(`${acked.size} appends acknowledged, ${stored.length} events stored, ${await sealerTerms(mongo.db).countDocuments({})} sealer terms`);
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);

      const checkpoint = await runCli(['audit', 'checkpoint'], env);
      expect(checkpoint.stderr).toBe('');
      const verify = await runCli(['audit', 'verify'], env);
      expect(verify.stdout).toContain(`audit log intact: ${stored.length} events verified`);
      expect(verify.code).toBe(0);
    } finally {
      for (const w of all) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await mongo.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 300_000);
});
