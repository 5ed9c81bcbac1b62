/**
 * The one way the editor reaches the analysis engine (src/engine.ts): bundled as dist/engine.js and required on the
 * first analysis, hover, CodeLens, scan or recording that needs it — the way esbuild.js's lazy libraries load — so
 * activation does not pay for it. Editor modules import the engine's types only (`import type`); values come from
 * loadEngine().
 */
import type * as EngineModule from '../engine';

export type Engine = typeof EngineModule;

let wasmDir: string | undefined;
let loading: Promise<Engine> | undefined;

/** Where tree-sitter's WASM files are (dist/wasm): said once at activation, given to the engine when it loads. */
export function configureEngine(opts: { wasmDir: string }): void {
  wasmDir = opts.wasmDir;
}

/** The analysis engine, loaded once (a failed load is tried again by the next caller). */
export function loadEngine(): Promise<Engine> {
  loading ??= import('../engine').then(
    (engine) => {
      if (wasmDir && !engine.treeSitterConfigured()) engine.configureTreeSitter(wasmDir);
      return engine;
    },
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}
