import { createAuditLog } from '../src/audit';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { createRegistry } from '../src/registry';
import { createAuditActivities } from './audit-step';
import type { ActivityDeps } from './deps';
import { createGateActivities } from './gates';
import { createIdentityActivities } from './identity';
import { createIngestActivities } from './ingest';
import { createInputCache } from './inputs';
import { createKpiActivities } from './kpi-check';
import { createMonitorActivities } from './monitoring';
import { createNotifyActivities } from './notify-step';
import { createRegistryActivities } from './registry-steps';
import { createReportActivities } from './report-steps';
import { createRoutingActivities } from './routing-steps';
import { createSmokeActivities } from './smoke';
import { closedRunProbe } from './workflow-runs';
import { createAbandonedRunCheck } from './abandoned-runs';
import { LOCAL_WEB_UI } from '../src/temporal/web-ui';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  const registry = createRegistry(deps.db);
  const inputs = createInputCache(registry, deps.modelRuntime);
  const auditLog = deps.auditLog ?? createAuditLog(deps.db);
  const restoreAbandoned = createAbandonedRunCheck(deps.db, registry, auditLog, deps.temporal?.client);
  const routing = createRoutingActivities(deps.db, deps.replicaStaleMs, deps.temporal ? closedRunProbe(deps.temporal.client) : undefined, restoreAbandoned);
  const pipeline: PipelineActivities = {
    ...createIngestActivities(registry, inputs, deps.allowUnsigned === true),
    ...createGateActivities(inputs),
    ...createRegistryActivities(registry),
    ...createAuditActivities(auditLog),
    ...createNotifyActivities(deps.db, deps.mailer, deps.webUi ?? LOCAL_WEB_UI),
    ...routing,
    ...createKpiActivities(deps.db),
    ...createReportActivities(deps.db, deps.reportsDir ?? 'reports'),
    ...createIdentityActivities(deps.db, registry),
  };
  const monitoring = { ...createMonitorActivities(deps.db, registry, inputs, routing, deps.temporal, deps.allowUnsigned === true), restoreAbandoned: ({ model }: { model: string }) => restoreAbandoned(model) };
  return { ...createSmokeActivities(deps), ...pipeline, ...monitoring };
}

export type Activities = ReturnType<typeof createActivities>;
