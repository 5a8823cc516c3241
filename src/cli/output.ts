/** Plain-text output helpers: aligned tables, JSON, durations and the traffic bar. */

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** An aligned table, kubectl style: upper-case headers, two spaces between columns, no borders. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** `[#####.....] 50%`: ten cells, one per 10 percent. */
export function trafficBar(percent: number, cells = 10): string {
  const filled = Math.max(0, Math.min(cells, Math.round((percent / 100) * cells)));
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}] ${percent}%`;
}

export function isoOrDash(value: Date | string | null | undefined): string {
  if (!value) return '-';
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const short = (sha: string | null | undefined, n = 12) => (sha ? sha.slice(0, n) : '-');
