/** Bundle sizes and the cost of loading the extension's module (no VS Code needed: vscode loads lazily). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.join(__dirname, '..');

function size(p: string): number | null {
  return fs.existsSync(p) ? fs.statSync(p).size : null;
}

export async function run(): Promise<Record<string, unknown>> {
  const ext = path.join(root, 'dist', 'extension.js');
  // Fresh processes, so the module cache is cold each time.
  // The entry bundle alone (what activation pays), and with every lazily loaded library and the engine (what the
  // first hover pays on top: pg, both SQL parsers, tree-sitter, the analysis engine). Wall and CPU milliseconds; CPU is steadier on a busy machine.
  const engine = path.join(root, 'dist', 'engine.js');
  const libs = fs.readdirSync(path.join(root, 'dist')).filter((f) => /^lib-.*\.js$/.test(f)).map((f) => path.join(root, 'dist', f));
  if (fs.existsSync(engine)) libs.push(engine);
  const timeRequire = (files: string[]): { wall: number; cpu: number } => {
    const script = `const c=process.cpuUsage(),t=process.hrtime.bigint();for(const f of ${JSON.stringify(files)})require(f);const u=process.cpuUsage(c);console.log(JSON.stringify({wall:Number(process.hrtime.bigint()-t)/1e6,cpu:(u.user+u.system)/1000}))`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script]).toString());
  };
  const entry: { wall: number; cpu: number }[] = [];
  const withLibs: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 7; i++) {
    entry.push(timeRequire([ext]));
    withLibs.push(timeRequire([ext, ...libs]));
  }
  const med = (xs: number[]): number => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 10) / 10;
  const loads = entry.map((x) => x.wall).sort((a, b) => a - b);
  const mediaDist = path.join(root, 'media', 'dist');
  const webviews: Record<string, number> = {};
  if (fs.existsSync(mediaDist)) for (const f of fs.readdirSync(mediaDist)) webviews[f] = fs.statSync(path.join(mediaDist, f)).size;
  const wasmDir = path.join(root, 'dist', 'wasm');
  const wasmBytes = fs.existsSync(wasmDir) ? fs.readdirSync(wasmDir).reduce((s, f) => s + fs.statSync(path.join(wasmDir, f)).size, 0) : 0;
  // The .vsix as `npm run package` makes it, from the production build bench/run.ts just made.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-vsix-'));
  const vsix = path.join(tmp, 'pg-lens.vsix');
  execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, stdio: 'ignore' });
  const vsixBytes = size(vsix);
  fs.rmSync(tmp, { recursive: true, force: true });
  // Activation in a real VS Code is measured by `npm run test:e2e` (code-server, from its logs); reported when a run left it.
  const timings = path.join(root, 'test-results', 'e2e', 'timings.json');
  const activation = fs.existsSync(timings) ? JSON.parse(fs.readFileSync(timings, 'utf8')) : null;
  return {
    extensionBundleBytes: size(ext),
    engineBundleBytes: size(engine),
    cliBundleBytes: size(path.join(root, 'dist', 'cli.js')),
    webviewBundleBytes: webviews,
    treeSitterWasmBytes: wasmBytes,
    vsixBytes,
    lazyLibraryBytes: Object.fromEntries(libs.map((f) => [path.basename(f), fs.statSync(f).size])),
    extensionModuleLoadMs: { median: med(loads), min: Math.round(loads[0] * 10) / 10, max: Math.round(loads[loads.length - 1] * 10) / 10, cpuMedian: med(entry.map((x) => x.cpu)) },
    // Loading the entry bundle and every lazily loaded library: the module cost the first hover pays (its PostgreSQL round trips are in plans.hoverMiss).
    modulesForFirstHoverMs: { median: med(withLibs.map((x) => x.wall)), cpuMedian: med(withLibs.map((x) => x.cpu)) },
    activationInCodeServer: activation
      ? { ...activation.activation, measuredAt: activation.measuredAt, loadavgAtRun: activation.loadavg, source: 'test-results/e2e/timings.json (last npm run test:e2e)' }
      : 'not measured: run npm run test:e2e first',
  };
}
