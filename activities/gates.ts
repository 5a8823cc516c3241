import type { GateEvidence } from '../src/contracts/evidence';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { scenarioGateSchema } from '../src/contracts/pipeline-spec';
import { checkQuality, runScenarios, validateModel } from '../src/evaluation';
import { cpuWork } from '../src/models';
import { asPermanent } from './failures';
import type { InputCache } from './inputs';
import { keepAlive } from './keep-alive';

/** The offline gates: pure evaluation over inputs fetched (and checksummed) from the registry. */
export function createGateActivities(inputs: InputCache): Pick<PipelineActivities, 'runGate'> {
  return {
    async runGate(input) {
      try {
        // The scenario gate holds the wall-clock latency measurement; the other two, loading included, run outside it.
        return await keepAlive(`${input.gate} gate`, () => (input.gate === 'scenarios' ? runOne(inputs, input) : cpuWork(() => runOne(inputs, input))));
      } catch (err) {
        asPermanent(err);
      }
    },
  };
}

async function runOne(inputs: InputCache, { gate, spec, ingest }: Parameters<PipelineActivities['runGate']>[0]): Promise<GateEvidence> {
  const candidate = await inputs.model(ingest.artifactSha256);
  const champion = ingest.champion ? await inputs.model(ingest.champion.sha256) : null;
  const [train, validation, recent] = await Promise.all(
    [ingest.datasets.train.sha256, ingest.datasets.validation.sha256, ingest.datasets.recent.sha256].map((sha) => inputs.dataset(sha)),
  );
  if (gate === 'validation') return validateModel({ candidate, champion, train, validation, gate: spec.gates.validation });
  if (gate === 'scenarios') {
    // A spec accepted before a field existed carries no value for it: the field's default applies.
    const scenarios = scenarioGateSchema.parse(spec.gates.scenarios);
    return runScenarios({ candidate, champion, train, validation, gate: scenarios, k: spec.gates.validation.k });
  }
  return checkQuality({ candidate, train, recent, gate: spec.gates.quality });
}
