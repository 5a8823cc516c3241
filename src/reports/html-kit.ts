/** Building blocks of self-contained HTML: escaping, the page shell and its inline stylesheet. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export type Tone = 'good' | 'bad' | 'neutral' | 'warn';

export function badge(text: string, tone: Tone): string {
  return `<span class="badge ${tone}">${esc(text)}</span>`;
}

/** Cells are already HTML; callers escape what they put in. */
export function table(head: string[], rows: string[][], className = ''): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f8fafc; color: #0f172a; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #e2e8f0; }
h3 { font-size: 14px; margin: 18px 0 6px; }
.sub { color: #475569; margin: 0 0 16px; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 14px 16px; margin: 10px 0; }
dl.meta { display: grid; grid-template-columns: 150px 1fr 150px 1fr; gap: 6px 16px; margin: 0; }
dl.meta dt { color: #64748b; } dl.meta dd { margin: 0; font-weight: 500; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
th { background: #f1f5f9; color: #334155; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.stages td { white-space: nowrap; }
.vs { color: #64748b; font-size: 12px; display: block; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.badge.good { background: #dcfce7; color: #166534; } .badge.bad { background: #fee2e2; color: #991b1b; }
.badge.warn { background: #fef3c7; color: #92400e; } .badge.neutral { background: #e2e8f0; color: #334155; }
.chart, .interval-chart { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px; margin: 12px 0; overflow-x: auto; }
.chart svg, .interval-chart svg { display: block; max-width: 100%; height: auto; }
.interval-chart figcaption { margin: 4px 8px 0; }
.note { color: #64748b; font-size: 12px; }
details summary { cursor: pointer; color: #334155; font-weight: 600; }
footer { margin-top: 36px; color: #94a3b8; font-size: 12px; }
`;

/** No scripts, fonts or links: the file reads the same offline, from a mail attachment or an archive. */
export function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    `<body><main>\n${body}\n</main></body>`,
    '</html>',
    '',
  ].join('\n');
}
