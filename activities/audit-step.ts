import type { AuditLog } from '../src/audit';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { MODEL_NAME_PATTERN, SEMVER_PATTERN } from '../src/contracts/primitives';

/** Plain JSON for the audit log: FerretDB refuses undefined values, and evidence comes from many places. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;
}

export function createAuditActivities(auditLog: AuditLog): Pick<PipelineActivities, 'audit'> {
  return {
    async audit({ ref, key, type, actor, outcome, evidence }) {
      // A refused spec may carry a malformed model or version: the event is still recorded, under a safe subject.
      const validModel = MODEL_NAME_PATTERN.test(ref.model);
      const validVersion = SEMVER_PATTERN.test(ref.version);
      await auditLog.append({
        eventId: key,
        type,
        actor,
        subject: { model: validModel ? ref.model : 'unknown', ...(validVersion ? { version: ref.version } : {}) },
        pipelineId: ref.pipelineId,
        outcome,
        evidence: { ...plain(evidence), ...(validModel && validVersion ? {} : { requested: { model: ref.model, version: ref.version } }) },
        source: 'activities/pipeline',
      });
    },
  };
}
