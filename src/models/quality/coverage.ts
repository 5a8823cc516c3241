import type { Finding } from './findings';

export interface CoverageThresholds {
  /** Below this share a finding is a warning... */
  warnBelow: number;
  /** ...and below this one an error. */
  errorBelow: number;
}

export const DEFAULT_COVERAGE_THRESHOLDS: CoverageThresholds = { warnBelow: 0.9, errorBelow: 0.5 };

export interface IdCoverage {
  modelItems: number;
  catalogueItems: number;
  shared: number;
  /** Share of catalogue items the model can score; the rest can never be recommended. */
  catalogueKnownByModel: number;
  /** Share of model items still in the catalogue; the rest would be recommended but cannot be served. */
  modelKnownByCatalogue: number;
  findings: Finding[];
}

/** Compares the model's item ids with the live catalogue's, in both directions. */
export function checkIdCoverage(
  modelItemIds: Iterable<number>,
  catalogueItemIds: Iterable<number>,
  thresholds: CoverageThresholds = DEFAULT_COVERAGE_THRESHOLDS,
): IdCoverage {
  const model = new Set(modelItemIds);
  const catalogue = new Set(catalogueItemIds);
  let shared = 0;
  for (const id of model) if (catalogue.has(id)) shared++;
  const catalogueKnownByModel = catalogue.size === 0 ? 0 : shared / catalogue.size;
  const modelKnownByCatalogue = model.size === 0 ? 0 : shared / model.size;

  const findings: Finding[] = [];
  const judge = (check: string, share: number, missing: number, what: string) => {
    const severity = share < thresholds.errorBelow ? 'error' : share < thresholds.warnBelow ? 'warning' : share < 1 ? 'info' : undefined;
    if (severity) findings.push({ check, severity, message: `${(share * 100).toFixed(1)} % ${what}`, count: missing });
  };
  judge('catalogue_coverage', catalogueKnownByModel, catalogue.size - shared, 'of catalogue items are known to the model');
  judge('model_items_in_catalogue', modelKnownByCatalogue, model.size - shared, 'of model items are in the catalogue');
  return { modelItems: model.size, catalogueItems: catalogue.size, shared, catalogueKnownByModel, modelKnownByCatalogue, findings };
}
