import type { GateEvidence } from '../../contracts/evidence';
import type { MailTable } from '../../contracts/pipeline-activities';
import { num } from '../../evaluation/format';

const GATE: Record<GateEvidence['gate'], string> = { validation: 'validation', scenarios: 'scenarios', quality: 'data quality' };

function values(record: Record<string, number | boolean | null>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? String(v) : num(v)) : v === null ? 'n/a' : v ? 'yes' : 'no'}`)
    .join(', ');
}

/** Every check of every gate, one row each, numbers rounded as people read them. */
export function evidenceTable(evidence: GateEvidence[]): MailTable {
  return {
    caption: 'Evidence from the offline gates',
    headers: ['Gate', 'Check', 'Measured', 'Threshold', 'Verdict'],
    rows: evidence.flatMap((e) =>
      e.checks.map((c) => [GATE[e.gate], c.name, values(c.values) || '-', values(c.thresholds) || '-', c.verdict === 'skipped' ? `skipped: ${c.reason}` : c.verdict]),
    ),
  };
}
