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
  // The .vsix as `npm run package` makes it, from the production build bench/run.ts just made.
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'pglens-vsix-'));
  const vsix = path.join(tmp, 'pg-lens.vsix');
  execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, stdio: 'ignore' });
  const vsixBytes = size(vsix);
  fs.rmSync(tmp, { recursive: true, force: true });
  // Activation in a real VS Code is measured by `npm run test:e2e` (code-server, from its logs); reported when a run left it.
  const timings = path.join(root, 'test-results', 'e2e', 'timings.json');
  const activation = fs.existsSync(timings) ? JSON.parse(fs.readFileSync(timings, 'utf8')) : null;
  return {
    extensionBundleBytes: size(ext),
    cliBundleBytes: size(path.join(root, 'dist', 'cli.js')),
    webviewBundleBytes: webviews,
    treeSitterWasmBytes: wasmBytes,
    vsixBytes,
    extensionModuleLoadMs: { median: loads[2], min: loads[0], max: loads[4] },
    activationInCodeServer: activation
      ? { ...activation.activation, measuredAt: activation.measuredAt, loadavgAtRun: activation.loadavg, source: 'test-results/e2e/timings.json (last npm run test:e2e)' }
      : 'not measured: run npm run test:e2e first',
  };
}
