import type { CheckVerdict, GateEvidence, GateName } from '../contracts/evidence';

const TITLES: Record<GateName, string> = { validation: 'Validation gate', scenarios: 'Scenario gate', quality: 'Data quality gate' };
const MARKS: Record<CheckVerdict, string> = { pass: '✔', fail: '✘', skipped: '–' };

/** Plain text for approval emails and reports: a headline, then one line per check. */
export function summarizeEvidence(evidence: GateEvidence): string {
  const failed = evidence.checks.filter((c) => c.verdict === 'fail').map((c) => c.name);
  const passed = evidence.checks.filter((c) => c.verdict === 'pass').length;
  const skipped = evidence.checks.length - passed - failed.length;
  const counts = [`${passed} passed`];
  if (failed.length > 0) counts.push(`${failed.length} failed: ${failed.join(', ')}`);
  if (skipped > 0) counts.push(`${skipped} skipped`);
  const headline = `${TITLES[evidence.gate]}: ${evidence.pass ? 'PASS' : 'FAIL'} (${counts.join(', ')})`;
  return [headline, ...evidence.checks.map((c) => `  ${MARKS[c.verdict]} ${c.name}: ${c.summary}`)].join('\n');
}
