/**
 * The globs the extension gives VS Code's file search (workspace.findFiles, RelativePattern), as written in the source.
 * VS Code searches files with ripgrep, whose globs do not match an empty alternative in a brace group: with
 * `**\/.env{,.local}` the file `.env` itself is never found (person10's hour: Add Connection never offered the
 * project's .env). Every glob is checked for that kind, and the .env glob is run through ripgrep on real files.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', '..', 'src', 'vscode');
// The workspace connection sources (the .env glob among them) are a core registry the editor's search reads.
const SOURCES_REGISTRY = path.join(__dirname, '..', '..', '..', 'src', 'core', 'connection', 'frameworks.ts');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** String literals that are file globs: they hold `**` and a brace group. */
function globs(): { file: string; glob: string }[] {
  const out: { file: string; glob: string }[] = [];
  for (const f of [...sources(SRC), SOURCES_REGISTRY]) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/'([^'\n]*\*\*[^'\n]*\{[^'\n]*)'/g)) out.push({ file: path.relative(SRC, f), glob: m[1] });
  }
  return out;
}

function onPath(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('lint: file-search globs', () => {
  it('no brace group of a glob has an empty alternative ({,a}, {a,}, {a,,b})', () => {
    const all = globs();
    assert.ok(all.length >= 2, `the globs are found (${all.length})`);
    const bad = all.filter((g) => [...g.glob.matchAll(/\{([^{}]*)\}/g)].some((b) => b[1].split(',').some((alt) => alt === '')));
    assert.deepEqual(bad, []);
  });

  it('the .env glob finds .env, .env.local and .env.development through ripgrep (VS Code\'s file search), not .env.example', function () {
    if (!onPath('rg')) this.skip(); // ripgrep is installed by .ci/run; without it the lint above still holds
    const dotenv = globs().find((g) => g.file.endsWith('frameworks.ts') && g.glob.includes('.env'));
    assert.ok(dotenv, 'the connection sources registry has the .env glob');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-dotenv-'));
    try {
      for (const name of ['.env', '.env.local', '.env.development', '.env.example']) fs.writeFileSync(path.join(dir, name), 'DATABASE_URL=postgres://app@db/app\n');
      fs.mkdirSync(path.join(dir, 'api'));
      fs.writeFileSync(path.join(dir, 'api', '.env'), 'DATABASE_URL=postgres://api@db/api\n');
      const found = execFileSync('rg', ['--files', '--hidden', '--no-ignore', '-g', dotenv.glob], { cwd: dir, encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((p) => p.replace(/^\.\//, ''))
        .sort();
      assert.deepEqual(found, ['.env', '.env.development', '.env.local', 'api/.env']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
