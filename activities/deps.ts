import type { Db } from 'mongodb';
import type { AuditLog } from '../src/audit';
import type { ModelRuntime } from '../src/models';
import type { Mailer } from '../src/notify';
import type { MailLinks } from './notify-step';
import type { TemporalDeps } from './monitoring';

/** What activities may touch. Only the worker builds the real clients; tests inject real or fake ones. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  /** One audit log per process: it orders its own appends (see src/audit). */
  auditLog?: AuditLog;
  reportsDir?: string;
  /** Where mails link to; the local stack's Web UI and the default namespace unless set. */
  webUi?: MailLinks;
  /** A gateway replica whose heartbeat is older than this is not counted as serving. */
  replicaStaleMs?: number;
  /**
   * Whether a spec or a policy may turn signatures off (MODELSHIP_ALLOW_UNSIGNED); false unless set, so that whoever
   * writes a spec cannot decide that its decisions need no proof.
   */
  allowUnsigned?: boolean;
  /** Where modelship's own embedding artifacts rank in the gates (MODEL_RUNTIME); ONNX models always in onnxruntime. */
  modelRuntime?: ModelRuntime;
  /** Lets the pipeline start or signal the model's monitor; without it, handing over monitoring fails. */
  temporal?: TemporalDeps;
}
