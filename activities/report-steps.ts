import { Context } from '@temporalio/activity';
import type { Db } from 'mongodb';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { readKpiSeries, seriesQueryFor, writeReport, writeRollbackDocument } from '../src/reports';

/** The performance report (with the KPI series read back from the buckets) and the rollback document. */
export function createReportActivities(db: Db, dir: string): Pick<PipelineActivities, 'writeReport' | 'writeRollbackDocument'> {
  return {
    async writeReport(doc) {
      const query = seriesQueryFor(doc);
      const series = query ? await readKpiSeries(db, query) : null;
      return writeReport({ db, dir }, doc, series, { stages: doc.stages, routeBefore: doc.routeBefore });
    },
    async writeRollbackDocument(doc) {
      // Keyed by the run that writes it, so a version deployed again keeps each run's document.
      const runId = Context.current().info.workflowExecution?.runId ?? 'outside-a-workflow';
      const { path } = await writeRollbackDocument({ db, dir }, doc, runId, { stages: doc.stages, routeBefore: doc.routeBefore });
      return { path };
    },
  };
}
