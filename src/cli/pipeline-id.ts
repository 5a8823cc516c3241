import { pipelineWorkflowId } from '../contracts/pipeline-spec';
import { MODEL_NAME_PATTERN, SEMVER_PATTERN } from '../registry/semver';
import { usageError } from './exit-codes';

/** Accepts `deploy-<model>-<version>` (the workflow id) or `<model>@<version>`; returns the workflow id. */
export function parsePipelineId(raw: string): string {
  const value = raw.trim();
  const at = value.indexOf('@');
  if (at >= 0) {
    const [model, version] = [value.slice(0, at), value.slice(at + 1)];
    if (!MODEL_NAME_PATTERN.test(model)) throw usageError(`pipeline id "${raw}": model "${model}" is not a valid model name`);
    if (!SEMVER_PATTERN.test(version)) throw usageError(`pipeline id "${raw}": version "${version}" must be major.minor.patch`);
    return pipelineWorkflowId(model, version);
  }
  if (/^deploy-[a-z0-9][a-z0-9-]*-\d+\.\d+\.\d+$/.test(value)) return value;
  throw usageError(`pipeline id "${raw}": must be deploy-<model>-<version> or <model>@<version>, e.g. deploy-movielens-als-1.1.0 or movielens-als@1.1.0`);
}
