import type { Check, DatasetProfile } from '../contracts/evidence';
import { checkInteractions, type Finding, type Interactions } from '../models';
import { judged, skipped } from './checks';
import { pct } from './format';
import type { QualityGate } from '../contracts/pipeline-spec';

export interface DatasetAudit {
  profile: DatasetProfile;
  checks: Check[];
  /** Set when the columns are malformed or empty, so that no statistic over them would mean anything. */
  unusableReason?: string;
}

/** Integrity of one dataset: blocking errors, and double-ingested events judged by their share. */
export function auditDataset(role: 'train' | 'recent', data: Interactions, gate: QualityGate): DatasetAudit {
  const findings = checkInteractions(data);
  const rows = data.users.length;
  const profile: DatasetProfile = {
    rows,
    users: new Set(data.users).size,
    items: new Set(data.items).size,
    findings: findings.map(plainFinding),
  };
  const fatal = findings.find((f) => f.check === 'schema' || f.check === 'empty');
  const unusableReason = fatal && `${role} data failed the ${fatal.check} check`;

  // Duplicated events are judged by their share below, against the gate's tolerance, not as a blocker.
  const blocking = findings.filter((f) => f.severity === 'error' && f.check !== 'duplicate_event');
  const errorRows = blocking.reduce((sum, f) => sum + (f.count ?? 0), 0);
  const repeats = findings.find((f) => f.check === 'repeated_pair')?.count ?? 0;
  const integrity = judged(
    `${role}_integrity`,
    blocking.length === 0,
    { rows, errorFindings: blocking.length, errorRows, repeatedPairs: repeats },
    {},
    blocking.length === 0
      ? `${role} data, ${rows} rows: no schema, missing, non-finite, range or timestamp errors` +
          (repeats > 0 ? ` (${repeats} re-consumed (user, item) pairs, legitimate)` : '')
      : `${role} data: ${blocking.map((f) => `${f.check}: ${f.message}`).join('; ')}`,
  );

  const thresholds = { maxDuplicateShare: gate.maxDuplicateShare };
  let duplicates: Check;
  if (unusableReason) {
    duplicates = skipped(`${role}_duplicates`, `${role} duplicate events`, unusableReason, thresholds);
  } else {
    const duplicateRows = findings.find((f) => f.check === 'duplicate_event')?.count ?? 0;
    const share = duplicateRows / rows;
    const pass = share <= gate.maxDuplicateShare;
    duplicates = judged(
      `${role}_duplicates`,
      pass,
      { rows, duplicateRows, share },
      thresholds,
      `${role} data: ${duplicateRows} duplicate (user, item, timestamp) events, ${pct(share)} of ${rows} rows ` +
        `${pass ? '≤' : '>'} ${pct(gate.maxDuplicateShare)} allowed`,
    );
  }
  return { profile, checks: [integrity, duplicates], ...(unusableReason && { unusableReason }) };
}

/** Only the documented fields, so the evidence stays within its schema whatever a finding carries. */
function plainFinding(f: Finding): DatasetProfile['findings'][number] {
  return {
    check: f.check,
    severity: f.severity,
    message: f.message,
    ...(f.count !== undefined && { count: f.count }),
    ...(f.examples !== undefined && { examples: [...f.examples] }),
  };
}
