import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stuckAfter } from '../../support/time-factor';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'bin/modelship.js');

/** Runs the real `modelship` binary as a subprocess with the given environment on top of this process's. */
export function runCli(args: string[], env: Record<string, string | undefined>, timeoutMs = stuckAfter(120_000)): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`modelship ${args.join(' ')} timed out after ${timeoutMs}ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes the synthetic data and trained artifacts an ML engineer would bring, as files. */
export async function writeModelFiles(dir: string, seeds: number[]): Promise<{ train: string; validation: string; artifacts: Record<number, string> }> {
  const { writeFileSync } = await import('node:fs');
  const { encodeArtifact, generateSynthetic, leaveLastNSplit, toCsvBytes, trainAls } = await import('../../../src/models');
  const split = leaveLastNSplit(generateSynthetic({ users: 300, items: 400, seed: 11 }), 5);
  const train = join(dir, 'train.csv');
  const validation = join(dir, 'validation.csv');
  writeFileSync(train, toCsvBytes(split.train));
  writeFileSync(validation, toCsvBytes(split.test));
  const artifacts: Record<number, string> = {};
  for (const seed of seeds) {
    artifacts[seed] = join(dir, `model-${seed}.msa`);
    writeFileSync(artifacts[seed], encodeArtifact(trainAls(split.train, { factors: 16, iterations: 6, seed })));
  }
  return { train, validation, artifacts };
}
