import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../validation/input-error';

/** A spec or policy file is a few kilobytes; anything larger than this is refused before a byte of it is read. */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;

/** Reads a pipeline spec or policy file, JSON or YAML by its extension; the caller validates what it says. */
export function readSpecFile(path: string): unknown {
  const refuse = (rule: string) => new InputError('readSpecFile', [{ field: path, rule }], 'cannot use the file');
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw refuse(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (size > MAX_SPEC_FILE_BYTES) throw refuse(`is ${size} bytes; a spec or policy file may be at most ${MAX_SPEC_FILE_BYTES} bytes (1 MiB)`);
  const text = readFileSync(path, 'utf8');
  if (/\.ya?ml$/i.test(path)) {
    try {
      return parseYaml(text);
    } catch (err) {
      throw refuse(`is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw refuse(`is not valid JSON (${(err as Error).message}); name YAML files .yaml or .yml`);
  }
}
