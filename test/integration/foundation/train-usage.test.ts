import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(60_000);
const run = promisify(execFile);
const root = join(__dirname, '../../..');

/** Runs the training script as `npm run train -- ...` does, and returns its exit code and output. */
async function train(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules/.bin/tsx'), ['scripts/train-model.ts', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run train', () => {
  it('prints its usage with exit 0 for --help, and trains nothing', async () => {
    const help = await train('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run train -- \[options\]/);
    for (const flag of ['--ratings', '--out', '--kind', '--format', '--holdout', '--help']) expect(help.stdout).toContain(flag);
    expect(help.stdout).not.toContain('loaded');
    expect(help.stderr).toBe('');
  });

  it('names a mistyped flag and shows the usage with exit 2, without a stack trace', async () => {
    const typo = await train('--ratngs', 'ratings.csv');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^Unknown option '--ratngs'/);
    expect(typo.stderr).toContain('usage: npm run train -- [options]');
    expect(typo.stderr).not.toMatch(/\n\s+at /);
  });
});
