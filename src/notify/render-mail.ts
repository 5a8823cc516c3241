import type { MailCommand, MailTable } from '../contracts/pipeline-activities';

export interface MailContent {
  lines: string[];
  tables?: MailTable[];
  commands?: MailCommand[];
  /** Links every mail ends with, e.g. the pipeline in the Web UI and the inbox. */
  links: { label: string; url: string }[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/** Escapes a line and makes the URLs in it clickable. */
function inline(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    out += escapeHtml(text.slice(last, m.index)) + `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
    last = m.index! + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

function textTable(t: MailTable): string[] {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const row = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [t.caption, row(t.headers), ...t.rows.map(row)];
}

/** The plain-text part: the lines, each table as aligned columns, the commands and the links. */
export function renderText(m: MailContent): string {
  const parts: string[] = [...m.lines];
  for (const t of m.tables ?? []) parts.push('', ...textTable(t));
  for (const c of m.commands ?? []) parts.push('', `${c.label}:`, `  ${c.command}`);
  parts.push('', ...m.links.map((l) => `${l.label}: ${l.url}`));
  return parts.join('\n');
}

const STYLE = {
  body: 'font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; max-width: 52em',
  table: 'border-collapse: collapse; margin: 0.5em 0 1em',
  cell: 'border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top',
  code: 'font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 8px; display: block; white-space: pre-wrap',
};

/** Lines separated by blank lines become paragraphs; indented lines keep their layout. */
function paragraphs(lines: string[]): string[] {
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length) out.push(`<p>${block.map(inline).join('<br>')}</p>`);
    block = [];
  };
  for (const line of lines) {
    if (line.trim() === '') flush();
    else block.push(line.startsWith('  ') ? `\u00a0\u00a0${line.trimStart()}` : line);
  }
  flush();
  return out;
}

function htmlTable(t: MailTable): string {
  const head = t.headers.map((h) => `<th style="${STYLE.cell}">${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td style="${STYLE.cell}">${inline(c)}</td>`).join('')}</tr>`).join('');
  return `<table style="${STYLE.table}"><caption style="text-align: left; font-weight: 600">${escapeHtml(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** The HTML part: a real document with paragraphs, tables, commands as code and clickable links. */
export function renderHtml(subject: string, m: MailContent): string {
  const body = [
    ...paragraphs(m.lines),
    ...(m.tables ?? []).map(htmlTable),
    ...(m.commands ?? []).map((c) => `<p>${escapeHtml(c.label)}:</p><code style="${STYLE.code}">${escapeHtml(c.command)}</code>`),
    `<p>${m.links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`).join(' · ')}</p>`,
  ];
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style='${STYLE.body}'>${body.join('\n')}</body></html>`;
}
