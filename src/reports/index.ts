/**
 * The pipeline's two documents: the performance report (HTML with inline SVG charts, plus JSON) and the rollback
 * document (Markdown plus JSON). Rendering is pure; store.ts and read-series.ts do the I/O. See docs/reports.md.
 */
export { chartRows, chartSpec, type ChartRow, type RenderedCharts } from './charts';
export type { ReportContext } from './context';
export { renderReportHtml } from './html';
export { intervalChartSpec } from './interval-charts';
export { intervalCharts, type IntervalChart, type IntervalPoint } from './intervals';
export { buildPerformanceReport, type ChartSpec, type GateSection, type PerformanceReport } from './performance';
export { pointsOf, type KpiPoint } from './points';
export { productionState, type ProductionState } from './production';
export { readKpiSeries } from './read-series';
export { renderPerformanceReport, type RenderedReport } from './render';
export { buildRollbackDocument, type JudgedKpis, type RollbackDocument, type RollbackTrigger } from './rollback';
export { renderRollbackMarkdown } from './rollback-markdown';
export { seriesQueryFor, type KpiSeries, type SeriesQuery, type SeriesStep } from './series';
export type { StageWindow } from './stages';
export { BUNDLE_FILE } from './bundle-file';
export { bundlePath, pipelineDir, REPORTS, ROLLBACK_DOCUMENTS, storedFiles, storedRollbackRuns, writeReport, writeRollbackDocument, type ReportStore, type StoredRollbackRun } from './store';
