import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Reads a pipeline spec file, JSON or YAML by its extension; the caller validates what it says. */
export function readSpecFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  if (/\.ya?ml$/i.test(path)) return parseYaml(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message}); name YAML files .yaml or .yml`);
  }
}
