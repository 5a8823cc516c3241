import type { PipelineSpec } from '../contracts/pipeline-spec';
import type { Registry } from '../registry';
import { InputError } from '../validation/input-error';
import type { FieldIssue } from '../validation/issues';

/** How the person named each thing: spec fields (`version`) or command-line flags (`--version`). */
export interface NamedAs {
  model: string;
  version: string;
  train: string;
  validation: string;
  recent: string;
}

export const SPEC_FIELDS: NamedAs = { model: 'model', version: 'version', train: 'datasets.train', validation: 'datasets.validation', recent: 'datasets.recent' };

/**
 * Checks, before a pipeline starts, that what its spec names is in the registry: the model, the version and each
 * dataset. A pipeline that would only fail at ingest is refused here, naming what the person typed.
 */
export async function checkRegistered(registry: Registry, spec: PipelineSpec, named: NamedAs = SPEC_FIELDS): Promise<void> {
  const issues: FieldIssue[] = [];
  if (!(await registry.getModel(spec.model))) {
    issues.push({ field: named.model, rule: `no model named "${spec.model}" is registered; register a version of it first (modelship register)` });
  } else if (!(await registry.getVersion(spec.model, spec.version))) {
    issues.push({ field: named.version, rule: `${spec.model} has no version ${spec.version}; register it first (modelship register)` });
  }
  const datasets: [keyof NamedAs, string | undefined][] = [['train', spec.datasets.train], ['validation', spec.datasets.validation], ['recent', spec.datasets.recent]];
  for (const [which, sha] of datasets) {
    if (sha && !(await registry.datasets.stat(sha))) issues.push({ field: named[which], rule: `no dataset with sha256 ${sha} is stored; upload it with modelship register` });
  }
  if (issues.length) throw new InputError('deploy', issues, 'cannot start the pipeline');
}
