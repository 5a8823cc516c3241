import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite/build/index';
import { importEsm } from './esm';

interface Renderers {
  vega: typeof Vega;
  compile: (spec: TopLevelSpec) => { spec: Vega.Spec };
}

let loading: Promise<Renderers> | undefined;

function renderers(): Promise<Renderers> {
  loading ??= Promise.all([importEsm<typeof Vega>('vega'), importEsm<{ compile: Renderers['compile'] }>('vega-lite')]).then(
    ([vega, vegaLite]) => ({ vega, compile: vegaLite.compile }),
    (err: unknown) => {
      loading = undefined; // a later report may try again
      throw err;
    },
  );
  return loading;
}

/**
 * A vega-lite chart as a standalone SVG string, rendered headless (no canvas, no DOM). The namespace declarations are
 * dropped because an `<svg>` inside HTML gets its namespace from the parser, and the report must carry no URLs.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await renderers();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}
