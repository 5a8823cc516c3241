import { pathToFileURL } from 'node:url';
import { constants, runInThisContext } from 'node:vm';

type Importer = (specifier: string) => Promise<unknown>;

/*
 * vega and vega-lite are ESM-only and vega-canvas uses top-level await, so neither `require` (TypeScript and swc
 * compile `import()` to it here) nor Node's require(esm) can load them. `new Function` keeps a real `import()` that
 * TypeScript cannot rewrite. Under jest, code runs in a vm context whose `import()` needs --experimental-vm-modules;
 * there a function compiled in the main context with Node's default loader does the import instead.
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as Importer;
let mainContextImport: Importer | undefined;

function importThroughMainContext(specifier: string): Promise<unknown> {
  mainContextImport ??= runInThisContext('(specifier) => import(specifier)', {
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as Importer;
  return mainContextImport(specifier);
}

/** Loads a package of this project's node_modules, resolved from here so that neither loader depends on the cwd. */
export async function importEsm<T>(packageName: string): Promise<T> {
  const url = pathToFileURL(require.resolve(packageName)).href;
  try {
    return (await nativeImport(url)) as T;
  } catch (err) {
    if (!String((err as { code?: unknown }).code).startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')) throw err;
    return (await importThroughMainContext(url)) as T;
  }
}
