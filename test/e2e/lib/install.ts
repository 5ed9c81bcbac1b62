/**
 * What the end-to-end run needs on the machine, installed by the run itself (nothing by hand):
 *  - Debian's Chromium and ripgrep (apt-get, when missing; needs root);
 *  - code-server 4.100.3 (VS Code 1.100.3) unpacked from the npm registry into a cache folder outside
 *    the source tree, with its native modules rebuilt for this Node (see ENVIRONMENT.md).
 * A complete cache is reused: the marker file is written only after every step succeeded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = process.env.PGLENS_E2E_CHROMIUM || '/usr/bin/chromium';

export function cacheRoot(): string {
  return process.env.PGLENS_E2E_CACHE || path.join(os.homedir(), '.cache', 'pg-lens-e2e');
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions & { what: string; allowFail?: boolean }): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw new Error(`${opts.what}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${opts.what} failed (exit ${r.status}):\n${tail}`);
  }
}

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** chromium and rg from Debian's packages, when missing. */
export function ensureSystemPackages(log: (m: string) => void, opts: { browser?: boolean } = {}): void {
  const missing: string[] = [];
  if (opts.browser !== false && !fs.existsSync(CHROMIUM)) missing.push('chromium');
  if (!onPath('rg')) missing.push('ripgrep');
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${missing.join(' and ')} missing: run "sudo apt-get install -y ${missing.join(' ')}" (the suite installs them itself only when running as root)`);
  }
  log(`installing ${missing.join(', ')} with apt-get (once)…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], { what: 'apt-get update', env, timeout: 600_000 });
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...missing], { what: `apt-get install ${missing.join(' ')}`, env, timeout: 1_200_000 });
  if (missing.includes('chromium') && !fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} does not exist`);
}

export interface CodeServerInstall {
  dir: string;
  entry: string;
}

/** code-server unpacked and rebuilt in the cache (about 35 s the first time, instant afterwards). */
export function ensureCodeServer(log: (m: string) => void): CodeServerInstall {
  const dir = path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  const pkg = path.join(dir, 'package');
  const entry = path.join(pkg, 'out', 'node', 'entry.js');
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker) && fs.existsSync(entry)) {
    // A cache made before the bundled TypeScript was installed: add it (every window said "VS Code's tsserver was
    // deleted by another application …", person43 L9).
    ensureBundledTypeScript(pkg, log);
    return { dir, entry };
  }

  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (once)…`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Keep the project's npm settings (allowScripts etc.) out of the way: run from the cache folder.
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  run(npm, ['pack', `code-server@${CODE_SERVER_VERSION}`, '--silent'], { cwd: dir, what: 'npm pack code-server', timeout: 600_000 });
  const tgz = fs.readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack code-server produced no tarball');
  run('tar', ['-xzf', tgz], { cwd: dir, what: 'unpack code-server' });
  fs.rmSync(path.join(dir, tgz));
  run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], { cwd: pkg, what: 'npm install (code-server)', timeout: 900_000 });
  run(npm, ['rebuild', 'argon2', ...quiet], { cwd: pkg, what: 'npm rebuild argon2', timeout: 600_000 });
  const vs = path.join(pkg, 'lib', 'vscode');
  run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], { cwd: vs, what: 'npm install (code-server lib/vscode)', timeout: 900_000 });
  // node-pty's post-install step reports an error after pty.node is built; the binary works. Checked below.
  run(npm, ['rebuild', 'node-pty', '@vscode/spdlog', 'native-watchdog', ...quiet], { cwd: vs, what: 'npm rebuild node-pty @vscode/spdlog native-watchdog', allowFail: true, timeout: 900_000 });
  for (const native of ['node_modules/node-pty/build/Release/pty.node', 'node_modules/@vscode/spdlog/build/Release/spdlog.node']) {
    if (!fs.existsSync(path.join(vs, native))) throw new Error(`code-server install: ${native} was not built`);
  }
  ensureBundledTypeScript(pkg, log);
  const rgDir = path.join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is not on PATH');
  fs.copyFileSync(rg, path.join(rgDir, 'rg'));
  fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`code-server installed in ${Math.round((Date.now() - t) / 1000)} s`);
  return { dir, entry };
}

/**
 * The TypeScript that VS Code's built-in TypeScript extension runs (lib/vscode/extensions/node_modules/typescript, the
 * version code-server's npm-shrinkwrap.json pins): code-server's own post-install step installs it, which
 * `--ignore-scripts` skips. Without it every window of the demo and of the suite opened with the error toast "VS Code's
 * tsserver was deleted by another application such as a misbehaving virus detection tool" (person43 L9), and TypeScript
 * files had no IntelliSense. Its post-install script then trims the package as code-server ships it.
 */
function ensureBundledTypeScript(pkg: string, log: (m: string) => void): void {
  const ext = path.join(pkg, 'lib', 'vscode', 'extensions');
  const tsserver = path.join(ext, 'node_modules', 'typescript', 'lib', 'tsserver.js');
  if (fs.existsSync(tsserver) || !fs.existsSync(path.join(ext, 'package.json'))) return;
  log("installing the TypeScript of code-server's built-in TypeScript extension (once)…");
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ext, what: 'npm install (code-server lib/vscode/extensions)', timeout: 900_000 });
  run(process.execPath, ['postinstall.mjs'], { cwd: ext, what: 'code-server lib/vscode/extensions postinstall', allowFail: true });
  if (!fs.existsSync(tsserver)) throw new Error(`code-server install: ${path.relative(pkg, tsserver)} is missing after npm install`);
}
