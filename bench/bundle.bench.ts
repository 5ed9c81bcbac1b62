/** Bundle sizes and the cost of loading the extension's module (no VS Code needed: vscode loads lazily). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.join(__dirname, '..');

function size(p: string): number | null {
  return fs.existsSync(p) ? fs.statSync(p).size : null;
}

export async function run(): Promise<Record<string, unknown>> {
  const ext = path.join(root, 'dist', 'extension.js');
  // Fresh processes, so the module cache is cold each time.
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ms = execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(ext)});console.log(Number(process.hrtime.bigint()-t)/1e6)`]).toString();
    loads.push(Number(ms));
  }
  loads.sort((a, b) => a - b);
  const mediaDist = path.join(root, 'media', 'dist');
  const webviews: Record<string, number> = {};
  if (fs.existsSync(mediaDist)) for (const f of fs.readdirSync(mediaDist)) webviews[f] = fs.statSync(path.join(mediaDist, f)).size;
  const wasmDir = path.join(root, 'dist', 'wasm');
  const wasmBytes = fs.existsSync(wasmDir) ? fs.readdirSync(wasmDir).reduce((s, f) => s + fs.statSync(path.join(wasmDir, f)).size, 0) : 0;
  const vsix = path.join(root, 'pg-lens.vsix');
  return {
    extensionBundleBytes: size(ext),
    cliBundleBytes: size(path.join(root, 'dist', 'cli.js')),
    webviewBundleBytes: webviews,
    treeSitterWasmBytes: wasmBytes,
    vsixBytes: size(vsix),
    extensionModuleLoadMs: { median: loads[2], min: loads[0], max: loads[4] },
  };
}
