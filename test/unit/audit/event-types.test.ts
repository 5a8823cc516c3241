import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OPERATOR_ACTIONS } from '../../../src/contracts/messages';
import { MONITOR_ACTION_EFFECTS } from '../../../src/policy/monitor-actions';

const ROOT = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * What a templated type (`operator.${kind}`) can become. The values come from the code's own lists where it has one;
 * a template in the source without an entry here fails the test, so a new one cannot go unlisted.
 */
const TEMPLATES: Record<string, readonly string[]> = {
  'approval.': ['approve', 'reject'],
  'operator.': OPERATOR_ACTIONS,
  'monitor.': Object.keys(MONITOR_ACTION_EFFECTS),
  'monitor.rollback_': ['approve', 'reject'],
  'pipeline.': ['rolled_back', 'rejected', 'expired', 'failed'],
  'gate.': ['validation', 'scenarios', 'quality'],
  'drill.': ['passed', 'failed'],
};

/** Every audit type the code writes: literals in audit calls and of the audited namespaces, and templates expanded. */
function typesInSource(namespaces: Set<string>): { types: Set<string>; templates: Set<string> } {
  const types = new Set<string>();
  const templates = new Set<string>();
  for (const file of ['src', 'activities', 'workflows'].flatMap((d) => sources(join(ROOT, d)))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/['`]([a-z_]+)\.([a-z_]+)['`]/g)) if (namespaces.has(m[1]!)) types.add(`${m[1]}.${m[2]}`);
    for (const m of text.matchAll(/(?:type: |audit\([^,()]+, )'([a-z_]+\.[a-z_.]+)'/g)) types.add(m[1]!);
    for (const line of text.split('\n').filter((l) => /\btype\b|audit\(/.test(l))) {
      for (const m of line.matchAll(/`([a-z_]+\.[a-z_]*)\$\{/g)) templates.add(`${relative(ROOT, file)}: ${m[1]}`);
    }
  }
  return { types, templates };
}

/** The types docs/audit.md lists: the first column of the table under "Event types". */
function typesInDocs(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs/audit.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Event types'), doc.indexOf('\n## ', doc.indexOf('## Event types') + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return new Set(rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`([a-z_.]+)`/g)].map((m) => m[1]!)));
}

describe('the audit event types in docs/audit.md', () => {
  const documented = typesInDocs();
  const namespaces = new Set([...documented].map((t) => t.split('.')[0]!));
  const { types, templates } = typesInSource(namespaces);

  it('finds the table, and every templated type in the code has its expansions listed here', () => {
    expect(documented.size).toBeGreaterThan(20);
    const prefixes = [...templates].map((t) => t.split(': ')[1]!);
    expect(prefixes.filter((p) => !(p in TEMPLATES))).toEqual([]);
  });

  it('lists exactly the types the code writes', () => {
    const written = new Set([...types, ...[...templates].flatMap((t) => TEMPLATES[t.split(': ')[1]!]!.map((v) => `${t.split(': ')[1]}${v}`))]);
    expect([...written].filter((t) => !documented.has(t)).sort()).toEqual([]);
    expect([...documented].filter((t) => !written.has(t)).sort()).toEqual([]);
  });
});
