/**
 * Runs a benchmark script in its quick mode as a child process, as a person would (`tsx scripts/bench-X.ts
 * --quick`), and reads the figures of its last line. Only whether it finishes and what it prints are judged, never
 * how fast anything was.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export interface BenchRun {
  /** The bench's own process: it runs in the child node starts, with tsx's loader. */
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<script> --quick`; the whole process group is killed if it has not exited within `boundMs`. */
export function runQuickBench(script: string, boundMs: number, env: NodeJS.ProcessEnv = process.env): Promise<BenchRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', script), '--quick'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const bound = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`${script} --quick did not finish within ${boundMs / 1000} s\n${tail(stdout)}\n${tail(stderr)}`));
    }, boundMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(bound);
      resolve({ pid: child.pid!, code, stdout, stderr });
    });
  });
}

const tail = (text: string) => text.split('\n').slice(-15).join('\n');

/** The last line of the output as a JSON object, or an error that shows what was printed instead. */
export function lastJson(run: BenchRun): Record<string, unknown> {
  if (run.code !== 0) throw new Error(`exit code ${run.code}\n${tail(run.stdout)}\n${tail(run.stderr)}`);
  const last = run.stdout.trimEnd().split('\n').pop() ?? '';
  try {
    const value: unknown = JSON.parse(last);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`the last line is not a JSON object: ${last.slice(0, 300)}`);
}

/**
 * What is wrong with the figures: a key of `figures` missing, or not a finite number at or above 0. Keys in
 * `mayBeNull` may be null (a measurement the quick sizes leave out), never absent. Any other number printed must be
 * finite and at or above 0 too.
 */
export function figureProblems(json: Record<string, unknown>, figures: string[], mayBeNull: string[] = []): string[] {
  const problems: string[] = [];
  for (const key of [...figures, ...mayBeNull]) {
    const value = json[key];
    if (!(key in json)) problems.push(`${key}: missing`);
    else if (value === null && mayBeNull.includes(key)) continue;
    else if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${key}: ${JSON.stringify(value)} is not a finite number`);
    else if (value < 0) problems.push(`${key}: ${value} is negative`);
  }
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'number' && !(value >= 0 && Number.isFinite(value)) && !figures.includes(key)) problems.push(`${key}: ${value} is not a finite number at or above 0`);
  }
  return problems;
}
