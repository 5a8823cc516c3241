import { envSchema, type Env } from '../config/schema';

/** Where the Temporal Web UI is, and which namespace its links open. */
export type WebUi = Pick<Env, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>;

/** The one way a link to a workflow in the Web UI is written: in the configured namespace. */
export function webUiLink(ui: WebUi, workflowId: string): string {
  return `${ui.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ui.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The Web UI's list of workflows matching a visibility query. */
export function webUiQueryLink(ui: WebUi, query: string): string {
  return `${ui.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ui.TEMPORAL_NAMESPACE)}/workflows?query=${encodeURIComponent(query)}`;
}

/** The local stack's Web UI, for activities built without one (tests). */
export const LOCAL_WEB_UI: WebUi = {
  TEMPORAL_UI_URL: envSchema.shape.TEMPORAL_UI_URL.parse(undefined),
  TEMPORAL_NAMESPACE: envSchema.shape.TEMPORAL_NAMESPACE.parse(undefined),
};
