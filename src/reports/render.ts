import type { PipelineOutcomeDoc } from '../contracts/pipeline-activities';
import { renderCharts } from './charts';
import type { ReportContext } from './context';
import { renderReportHtml } from './html';
import { buildPerformanceReport, type PerformanceReport } from './performance';
import type { KpiSeries } from './series';

export interface RenderedReport {
  json: PerformanceReport;
  html: string;
}

/** No I/O: the same document and series always give the same JSON and HTML. */
export async function renderPerformanceReport(doc: PipelineOutcomeDoc, series: KpiSeries | null, context: ReportContext = {}): Promise<RenderedReport> {
  const json = buildPerformanceReport(doc, series, context);
  return { json, html: renderReportHtml(json, await renderCharts(json)) };
}
