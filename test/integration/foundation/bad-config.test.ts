import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('the demo with a bad setting', () => {
  it('fails before starting anything and names the variable', () => {
    const result = spawnSync('bash', [join(__dirname, '../../../scripts/demo.sh')], {
      env: { ...process.env, TEMPORAL_ADDRESS: 'nonsense' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('TEMPORAL_ADDRESS: must be host:port');
    expect(result.stdout).not.toContain('stack: started');
  });
});
