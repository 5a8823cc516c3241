import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The house's import rules, checked on the source itself. Rooms are src/<dir>, activities and workflows. Imports run
 * one way: no module and no room imports itself back through others; validation and contracts sit at the bottom;
 * only the worker reaches up into activities and workflows; and workflow code, which must replay deterministically,
 * reaches no Node builtin and no package but Temporal's workflow API and zod.
 */
const root = join(__dirname, '../../..');
const WORKFLOW_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common', 'zod']);

interface Module {
  file: string;
  /** Project modules this one needs at run time or for types. */
  local: { target: string; typeOnly: boolean }[];
  /** Packages and builtins this one needs at run time. */
  external: string[];
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function resolveLocal(from: string, spec: string): string | null {
  const base = join(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(join(root, candidate))) return candidate;
  return null;
}

function parse(file: string): Module {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
  const module: Module = { file, local: [], external: [] };
  for (const node of source.statements) {
    if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) || !node.moduleSpecifier || !ts.isStringLiteral(node.moduleSpecifier)) continue;
    const spec = node.moduleSpecifier.text;
    const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
    const bindings = clause?.namedBindings;
    const typeOnly = ts.isImportDeclaration(node)
      ? !!clause && (clause.isTypeOnly || (!clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)))
      : node.isTypeOnly;
    if (spec.startsWith('.')) {
      const target = resolveLocal(file, spec);
      if (target) module.local.push({ target, typeOnly });
    } else if (!typeOnly) module.external.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return module;
}

const modules = new Map(['src', 'activities', 'workflows'].flatMap(sources).map((f) => [f, parse(f)]));
const room = (file: string) => (file.startsWith('src/') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0]);

/** Strongly connected components with more than one member: the cycles of a graph. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const edges = (toKey: (file: string) => string) => {
  const graph = new Map<string, Set<string>>();
  for (const m of modules.values()) {
    for (const { target } of m.local) {
      const [from, to] = [toKey(m.file), toKey(target)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
};

const importsOf = (prefix: string) => [...modules.values()].filter((m) => m.file.startsWith(prefix)).flatMap((m) => m.local.map((l) => ({ from: m.file, to: l.target })));

describe('the import rules of the house', () => {
  it('has no import cycle between modules', () => {
    expect(cycles(edges((f) => f))).toEqual([]);
  });

  it('has no import cycle between rooms', () => {
    expect(cycles(edges(room))).toEqual([]);
  });

  it('keeps validation and contracts at the bottom: they import nothing above them', () => {
    expect(importsOf('src/validation/').filter((i) => room(i.to) !== 'src/validation')).toEqual([]);
    expect(importsOf('src/contracts/').filter((i) => !['src/contracts', 'src/validation'].includes(room(i.to)))).toEqual([]);
  });

  it('lets only the worker reach up into activities and workflows', () => {
    const up = importsOf('src/').filter((i) => ['activities', 'workflows'].includes(room(i.to)) && room(i.from) !== 'src/worker');
    expect(up).toEqual([]);
    expect(importsOf('workflows/').filter((i) => room(i.to) === 'activities')).toEqual([]);
  });

  it('keeps workflow code away from Node and from every package but the workflow API and zod', () => {
    const reached = new Set<string>();
    const pending = ['workflows/index.ts'];
    while (pending.length) {
      const file = pending.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const l of modules.get(file)!.local) if (!l.typeOnly) pending.push(l.target);
    }
    const offending = [...reached].flatMap((f) => modules.get(f)!.external.filter((p) => !WORKFLOW_PACKAGES.has(p)).map((p) => `${relative('.', f)} imports ${p}`));
    expect(offending).toEqual([]);
    expect(reached.size).toBeGreaterThan(20);
  });
});
