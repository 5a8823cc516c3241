import type { PipelineStatus } from '../../../src/contracts/messages';
import { standing } from '../../soak/driver';

const status = (s: Partial<PipelineStatus>) => ({ step: 'rollout', stage: 'shadow', paused: false, lastCheck: null, ...s }) as PipelineStatus;

describe('how the soak tells where a pipeline that did not end stands', () => {
  it('says a paused pipeline waits for a decision, with its last check', () => {
    const s = standing(status({ paused: true, lastCheck: { verdict: 'undecided' } as unknown as PipelineStatus['lastCheck'] }));
    expect(s).toMatch(/^paused for a decision at rollout shadow \(last check: .*undecided/);
  });

  it('says a running pipeline made no progress, and where', () => {
    expect(standing(status({ stage: 'half' }))).toBe('no progress: rollout half');
  });
});
