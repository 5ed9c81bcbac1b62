/**
 * Where the capture modules are, and the environment that loads them into a child process:
 * Node through NODE_OPTIONS=--require, Python through a sitecustomize on PYTHONPATH. Node side,
 * no vscode: used by `pg-lens record` and the editor's Start Recording.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CaptureAssets {
  /** dist/capture.js */
  node: string;
  /** dist/python (holds sitecustomize.py) */
  python: string;
}

/** The capture assets in `distDir` (the extension's or the CLI's dist folder). */
export function captureAssetsIn(distDir: string): CaptureAssets | undefined {
  const node = path.join(distDir, 'capture.js');
  return fs.existsSync(node) ? { node, python: path.join(distDir, 'python') } : undefined;
}

/** The variables to add: NODE_OPTIONS and PYTHONPATH get a piece each, the socket path is set. */
export function captureVariables(assets: CaptureAssets, socket: string, opts: { values?: boolean } = {}): { nodeOptions: string; pythonPath: string; set: Record<string, string> } {
  const set: Record<string, string> = { PGLENS_CAPTURE_SOCKET: socket };
  if (opts.values) set.PGLENS_CAPTURE_VALUES = '1';
  return { nodeOptions: `--require ${JSON.stringify(assets.node)}`, pythonPath: assets.python, set };
}

/** A whole environment with capture on, from `base`. */
export function captureEnv(base: NodeJS.ProcessEnv, assets: CaptureAssets, socket: string, opts: { values?: boolean } = {}): NodeJS.ProcessEnv {
  const v = captureVariables(assets, socket, opts);
  return {
    ...base,
    ...v.set,
    NODE_OPTIONS: base.NODE_OPTIONS ? `${base.NODE_OPTIONS} ${v.nodeOptions}` : v.nodeOptions,
    PYTHONPATH: base.PYTHONPATH ? `${v.pythonPath}${path.delimiter}${base.PYTHONPATH}` : v.pythonPath,
  };
}
