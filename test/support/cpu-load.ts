import { spawn, type ChildProcess } from 'node:child_process';

export interface CpuLoad {
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Keeps `cores` cores busy with processes that only spin, so a run shows how the product and its tests behave on a
 * machine shared with other work. Each is stopped by its pid.
 */
export function startCpuLoad(cores: number): CpuLoad {
  const children: ChildProcess[] = Array.from({ length: cores }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return {
    pids: children.map((c) => c.pid!).filter(Boolean),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
