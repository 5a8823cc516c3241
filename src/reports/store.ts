import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from 'mongodb';
import type { PipelineOutcomeDoc } from '../contracts/pipeline-activities';
import { BUNDLE_FILE } from './bundle-file';
import type { ReportContext } from './context';
import { renderPerformanceReport } from './render';
import { buildRollbackDocument, type RollbackDocument } from './rollback';
import { renderRollbackMarkdown } from './rollback-markdown';
import type { KpiSeries } from './series';

export const REPORTS = 'reports';
export const ROLLBACK_DOCUMENTS = 'rollback_documents';

export interface ReportStore {
  db: Db;
  /** REPORTS_DIR: each pipeline gets its own sub-directory. */
  dir: string;
}

/** Stored documents are keyed by pipeline id, so a retried activity overwrites rather than adds. */
interface StoredDocument {
  _id: string;
  files: Record<string, string>;
  writtenAt: Date;
  [field: string]: unknown;
}

/** Workflow ids are free text; a path segment must not climb out of REPORTS_DIR. */
export function pipelineDir(dir: string, pipelineId: string): string {
  const segment = pipelineId.replace(/[^A-Za-z0-9._-]/g, '_');
  return resolve(dir, /^\.+$/.test(segment) ? segment.replace(/\./g, '_') : segment);
}

/** Readers never see half a file: each is written aside and renamed into place. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, path);
}

async function save(store: ReportStore, collection: string, pipelineId: string, files: Record<string, string>, json: object): Promise<void> {
  // A JSON round trip drops undefined fields, which FerretDB and the JSON file would otherwise disagree on.
  const doc: StoredDocument = { ...JSON.parse(JSON.stringify(json)), _id: pipelineId, files, writtenAt: new Date() };
  await store.db.collection<StoredDocument>(collection).replaceOne({ _id: pipelineId }, doc, { upsert: true });
}

export function bundlePath(dir: string, pipelineId: string): string {
  return join(pipelineDir(dir, pipelineId), BUNDLE_FILE);
}

/** Writes report.html and report.json under REPORTS_DIR/<pipelineId>/ and upserts the JSON into `reports`. */
export async function writeReport(
  store: ReportStore,
  doc: PipelineOutcomeDoc,
  series: KpiSeries | null,
  context: ReportContext = {},
): Promise<{ htmlPath: string; jsonPath: string }> {
  const { json, html } = await renderPerformanceReport(doc, series, context);
  const dir = pipelineDir(store.dir, doc.ref.pipelineId);
  const paths = { htmlPath: join(dir, 'report.html'), jsonPath: join(dir, 'report.json') };
  await mkdir(dir, { recursive: true });
  await writeAtomically(paths.jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  await writeAtomically(paths.htmlPath, html);
  await save(store, REPORTS, doc.ref.pipelineId, { html: paths.htmlPath, json: paths.jsonPath }, json);
  return paths;
}

/**
 * Writes one run's rollback document: rollback.md and rollback.json under REPORTS_DIR/<pipelineId>/runs/<runId>/, kept
 * when the version is deployed again, with a copy of the newest run's beside them in REPORTS_DIR/<pipelineId>/. The
 * stored document is the newest run's, and keeps every run's under `runs.<runId>`. Returns the run's own files.
 */
export async function writeRollbackDocument(store: ReportStore, doc: PipelineOutcomeDoc, runId: string, context: ReportContext = {}): Promise<{ path: string; jsonPath: string }> {
  const json: RollbackDocument = { ...buildRollbackDocument(doc, context), runId };
  const dir = pipelineDir(store.dir, doc.ref.pipelineId);
  const runDir = join(dir, 'runs', runId.replace(/[^A-Za-z0-9._-]/g, '_'));
  const run = { path: join(runDir, 'rollback.md'), jsonPath: join(runDir, 'rollback.json') };
  const newest = { path: join(dir, 'rollback.md'), jsonPath: join(dir, 'rollback.json') };
  await mkdir(runDir, { recursive: true });
  for (const paths of [run, newest]) {
    await writeAtomically(paths.jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    await writeAtomically(paths.path, renderRollbackMarkdown(json));
  }
  const collection = store.db.collection<StoredDocument>(ROLLBACK_DOCUMENTS);
  const before = await collection.findOne({ _id: doc.ref.pipelineId }, { projection: { runs: 1 } });
  const writtenAt = new Date();
  // A JSON round trip drops undefined fields, which FerretDB and the JSON file would otherwise disagree on.
  const plain = JSON.parse(JSON.stringify(json)) as object;
  const runs = { ...(before?.runs as Record<string, StoredRun> | undefined), [runId]: { ...plain, files: { markdown: run.path, json: run.jsonPath }, writtenAt } };
  await collection.replaceOne({ _id: doc.ref.pipelineId }, { ...plain, _id: doc.ref.pipelineId, files: { markdown: newest.path, json: newest.jsonPath }, writtenAt, runs }, { upsert: true });
  return run;
}

interface StoredRun {
  files: Record<string, string>;
  writtenAt: Date;
}

/** Where a pipeline's performance report (html, json) was written, if it was. */
export async function storedFiles(db: Db, _kind: 'report', pipelineId: string): Promise<Record<string, string> | null> {
  const doc = await db.collection<StoredDocument>(REPORTS).findOne({ _id: pipelineId });
  return doc?.files ?? null;
}

export interface StoredRollbackRun {
  runId: string | null;
  files: Record<string, string>;
  writtenAt: Date;
}

/** Every run's rollback document of a pipeline, newest first; a document written before runs were kept counts as one. */
export async function storedRollbackRuns(db: Db, pipelineId: string): Promise<StoredRollbackRun[]> {
  const doc = await db.collection<StoredDocument>(ROLLBACK_DOCUMENTS).findOne({ _id: pipelineId });
  if (!doc) return [];
  const runs = doc.runs as Record<string, StoredRun> | undefined;
  if (!runs) return [{ runId: null, files: doc.files, writtenAt: doc.writtenAt }];
  return Object.entries(runs)
    .map(([runId, r]) => ({ runId, files: r.files, writtenAt: r.writtenAt }))
    .sort((a, b) => b.writtenAt.getTime() - a.writtenAt.getTime());
}
