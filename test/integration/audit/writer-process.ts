import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const LOOP = join(__dirname, 'append-loop.ts');
const ROOT = join(__dirname, '../../..');

/** An append-loop.ts process, with the event ids it acknowledged so far. */
export interface Writer {
  child: ChildProcess;
  acked: string[];
  started: Promise<void>;
  ended: Promise<number | null>;
}

export function startWriter(env: NodeJS.ProcessEnv, name: string, limit?: number): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', LOOP, name, ...(limit ? [String(limit)] : [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let buffer = '';
  let stderr = '';
  const started = new Promise<void>((resolve, reject) => {
    child.on('close', (code) => reject(new Error(`writer ${name} ended (${code}) before its first append:\n${stderr}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('acked ')) acked.push(line.slice(6));
      if (acked.length > 0) resolve();
    });
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<number | null>((resolve) => child.on('close', (code) => {
    if (code !== 0 && code !== null && stderr) process.stderr.write(stderr);
    resolve(code);
  }));
  return { child, acked, started, ended };
}

