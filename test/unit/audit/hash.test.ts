import { eventHash, eventMac, GENESIS_HASH, globalHash, type HashedContent } from '../../../src/audit/hash';
import { auditEventInputSchema } from '../../../src/audit/schemas';
import { describeIssues } from '../../../src/validation/issues';

const base: HashedContent = {
  eventId: 'wf-1:approve',
  type: 'approval.granted',
  at: new Date('2026-01-02T03:04:05.678Z'),
  actor: 'user:alice',
  subject: { model: 'recs', version: '1.2.3' },
  pipelineId: 'wf-1',
  outcome: 'success',
  evidence: { ticket: 'CHG-1', checks: ['auc', 'latency'] },
  source: 'activities/approval',
  seq: 1,
  prevHash: GENESIS_HASH,
};

describe('event hashing', () => {
  it('is deterministic and independent of evidence key order', () => {
    const reordered = { ...base, evidence: { checks: ['auc', 'latency'], ticket: 'CHG-1' } };
    expect(eventHash(base)).toBe(eventHash(reordered));
    expect(eventHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['actor', { actor: 'user:mallory' }],
    ['time', { at: new Date('2026-01-02T03:04:05.679Z') }],
    ['evidence', { evidence: { ticket: 'CHG-2', checks: ['auc', 'latency'] } }],
    ['position', { seq: 2 }],
    ['link', { prevHash: 'f'.repeat(64) }],
    ['subject', { subject: { model: 'recs' } }],
  ])('changes when the %s changes', (_what, change) => {
    expect(eventHash({ ...base, ...change })).not.toBe(eventHash(base));
  });

  it('chains globally and MACs with a key', () => {
    const h = eventHash(base);
    const g = globalHash(1, GENESIS_HASH, h);
    expect(g).not.toBe(globalHash(2, GENESIS_HASH, h));
    expect(eventMac('k1', g)).not.toBe(eventMac('k2', g));
    expect(eventMac('k1', g)).toBe(eventMac(Buffer.from('k1'), g));
  });
});

describe('audit input schema', () => {
  it('reports each bad field with its rule', () => {
    const result = auditEventInputSchema.safeParse({
      eventId: 'has space',
      type: 'Approval',
      actor: '',
      subject: { model: 'Recs', version: '1.2' },
      pipelineId: 'wf-1',
      outcome: 'maybe',
      source: 'x',
      extra: 1,
    });
    expect(result.success).toBe(false);
    const issues = describeIssues(result.error!, 'an audit event');
    expect(issues.map((i) => i.field)).toEqual(expect.arrayContaining(['eventId', 'type', 'actor', 'subject.model', 'subject.version', 'outcome', 'extra']));
    expect(issues.find((i) => i.field === 'extra')?.rule).toBe('not a field of an audit event');
  });
});
