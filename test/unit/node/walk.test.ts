import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputPath, walkedFile, walkSourceFiles, type WalkStats } from '../../../src/node/walk';
import { runCli } from '../support/cli';
import { tempFolderPerTest } from '../support/tempFolder';

function tree(root: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, body);
  }
}

async function collect(paths: string[], opts: Parameters<typeof walkSourceFiles>[1] = {}): Promise<{ files: string[]; log: string[]; stats: WalkStats }> {
  const log: string[] = [];
  const stats: WalkStats = { files: 0, skippedLarge: 0, missing: [] };
  const files: string[] = [];
  for await (const f of walkSourceFiles(paths, { ...opts, log: (l) => log.push(l), stats })) files.push(f.path);
  return { files, log, stats };
}

describe('cli/walk: source file walker', () => {
  const root = tempFolderPerTest('pglens-walk-');

  it('walks folders in name order, keeps supported files, skips build output and dependencies', async () => {
    tree(root(), {
      'b.ts': '', 'a.sql': '', 'notes.txt': '', 'src/z.py': '', 'src/m/x.go': '', 'lib/Y.java': '', 'app/r.rb': '',
      'node_modules/pkg/i.js': '', 'dist/o.js': '', 'build/o.js': '', 'out/o.js': '', 'target/T.java': '', 'vendor/v.go': '', '.git/h.sql': '',
    });
    const { files } = await collect([root()]);
    assert.deepEqual(files.map((f) => path.relative(root(), f)), ['a.sql', 'b.ts', 'app/r.rb', 'lib/Y.java', 'src/z.py', 'src/m/x.go']);
  });

  it('walkedFile answers for one file what the walk of the folder yields (a file a watcher says changed on disk)', async () => {
    tree(root(), {
      '.git/HEAD': '', '.gitignore': 'generated/\n*.gen.ts\n', 'pkg/.gitignore': 'local.sql\n!keep.gen.ts\n',
      'pkg/a.ts': '', 'pkg/x.gen.ts': '', 'pkg/keep.gen.ts': '', 'pkg/local.sql': '', 'pkg/generated/g.ts': '', 'other/local.sql': '',
      'src/core/build/b.ts': '', 'build/o.js': '', 'node_modules/p/i.js': '', 'notes.txt': '', 'report.py': '', 'legacy/old.sql': '', 'legacy/keep/k.sql': '',
      'big.sql': 'x'.repeat(5000),
    });
    const opts = { exclude: ['legacy/*', '!legacy/keep/'], maxFileSizeBytes: 4000 };
    const walked = new Set((await collect([root()], opts)).files);
    const all: string[] = [];
    const list = (d: string): void => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? list(path.join(d, e.name)) : all.push(path.join(d, e.name))));
    list(root());
    const rel = (f: string) => path.relative(root(), f).split(path.sep).join('/');
    assert.deepEqual(all.filter((f) => walkedFile(root(), f, opts)).map(rel).sort(), [...walked].map(rel).sort());
    // The rules do cut: excluded, ignored, skipped, too large, not source, outside the folder, gone.
    for (const f of ['legacy/old.sql', 'pkg/local.sql', 'pkg/generated/g.ts', 'node_modules/p/i.js', 'big.sql', 'notes.txt', '../elsewhere.sql', 'gone.sql']) assert.equal(walkedFile(root(), path.join(root(), f), opts), false, f);
    for (const f of ['report.py', 'legacy/keep/k.sql', 'pkg/keep.gen.ts', 'src/core/build/b.ts']) assert.equal(walkedFile(root(), path.join(root(), f), opts), true, f);
  });

  it('walks a build, out, dist or target folder inside a src folder: a module of the source (NestJS src/core/build), not build output', async () => {
    tree(root(), { 'src/core/build/build.resolver.ts': '', 'src/out/o.ts': '', 'build/o.js': '', 'pkg/dist/d.js': '', 'app/target/t.rb': '' });
    const { files } = await collect([root()]);
    assert.deepEqual(files.map((f) => path.relative(root(), f).split(path.sep).join('/')), ['src/core/build/build.resolver.ts', 'src/out/o.ts']);
    // Walking the src folder itself: its name counts.
    const inSrc = await collect([path.join(root(), 'src')]);
    assert.deepEqual(inSrc.files.map((f) => path.relative(root(), f).split(path.sep).join('/')), ['src/core/build/build.resolver.ts', 'src/out/o.ts']);
  });

  it('applies a .gitignore to a folder whose name starts with two dots (..foo is inside, not above)', async () => {
    tree(root(), { '.gitignore': '*.gen.ts\n', '..foo/a.gen.ts': '', '..foo/b.ts': '' });
    const { files } = await collect([root()]);
    assert.deepEqual(files.map((f) => path.relative(root(), f).split(path.sep).join('/')), ['..foo/b.ts']);
  });

  it('honours .gitignore files in the folder, in sub-folders and above it up to the repository root', async () => {
    tree(root(), {
      '.git/HEAD': '', '.gitignore': 'generated/\n*.gen.ts\n', 'pkg/.gitignore': 'local.sql\n!keep.gen.ts\n',
      'pkg/a.ts': '', 'pkg/x.gen.ts': '', 'pkg/keep.gen.ts': '', 'pkg/local.sql': '', 'pkg/generated/g.ts': '', 'other/local.sql': '',
    });
    const inRepo = await collect([root()]);
    assert.deepEqual(inRepo.files.map((f) => path.relative(root(), f)), ['other/local.sql', 'pkg/a.ts', 'pkg/keep.gen.ts']);
    // Walking a sub-folder still applies the repository root's .gitignore.
    const sub = await collect([path.join(root(), 'pkg')]);
    assert.deepEqual(sub.files.map((f) => path.relative(root(), f)), ['pkg/a.ts', 'pkg/keep.gen.ts']);
  });

  it('extra exclude patterns, and explicitly named files are taken even if ignored', async () => {
    tree(root(), { '.gitignore': 'skip.ts\n', 'skip.ts': '', 'a.ts': '', 'fixtures/f.ts': '' });
    const r = await collect([root(), path.join(root(), 'skip.ts')], { exclude: ['fixtures/'] });
    assert.deepEqual(r.files.map((f) => path.relative(root(), f)), ['a.ts', 'skip.ts']);
  });

  it('skips files over the size limit with one log line each', async () => {
    tree(root(), { 'big.sql': 'x'.repeat(5000), 'small.sql': 'SELECT 1' });
    const r = await collect([root()], { maxFileSizeBytes: 1024 });
    assert.deepEqual(r.files.map((f) => path.basename(f)), ['small.sql']);
    assert.equal(r.log.length, 1);
    assert.match(r.log[0], /skipped .*big\.sql: 4.9 kB is over the 1 kB limit/);
    assert.equal(r.stats.skippedLarge, 1);
  });

  it('a missing path gives one line and is listed', async () => {
    const r = await collect([path.join(root(), 'nope')]);
    assert.deepEqual(r.files, []);
    assert.equal(r.log.length, 1);
    assert.match(r.log[0], /no such file or folder: .*nope/);
    assert.equal(r.stats.missing.length, 1);
  });
});

describe('cli: pg-lens sql', function () {
  this.timeout(60_000);
  const root = tempFolderPerTest('pglens-sqlcmd-');

  const run = (args: string[]) => runCli(args, { cwd: root() });

  it('lists sites as JSON: file, 1-based line and column, api, sql, params, confidence', async () => {
    tree(root(), {
      'src/db.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const f = (id: number) =>\n  pool.query('SELECT * FROM users WHERE id = $1', [id]);\n",
      'schema.sql': 'CREATE TABLE users (id int);\n\nSELECT 1;\n',
      'node_modules/x/index.js': "pool.query('SELECT 2')",
    });
    const r = await run(['sql', '.', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const sites = JSON.parse(r.out);
    assert.deepEqual(sites.map((s: any) => [s.file, s.line, s.column, s.api, s.sql, s.confidence]), [
      ['schema.sql', 1, 1, 'sql-file', 'CREATE TABLE users (id int)', 1],
      ['schema.sql', 3, 1, 'sql-file', 'SELECT 1', 1],
      [path.join('src', 'db.ts'), 4, 14, 'pg.query', 'SELECT * FROM users WHERE id = $1', 1],
    ]);
    assert.deepEqual(sites[2].params, [{ index: 1, source: '$1', line: 4, column: 46 }]);
  });

  it('text output and a summary line', async () => {
    tree(root(), { 'q.py': 'import psycopg\ncur.execute("SELECT * FROM t WHERE a = %s", (1,))\n' });
    const r = await run(['sql', 'q.py']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^q\.py:2:13 {2}psycopg\.execute\n {4}SELECT \* FROM t WHERE a = \$1\n {4}-- \$1 ← %s\n1 SQL site in 1 of 1 file$/);
  });

  it('a missing path: one clear line on stderr and exit code 2', async () => {
    const r = await run(['sql', 'examples/shop']);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'pg-lens: no such file or folder: examples/shop');
    assert.equal(r.out, '');
  });

  it('usage errors', async () => {
    assert.equal((await run(['sql'])).code, 2);
    assert.equal((await run(['sql', '.', '--format', 'xml'])).code, 2);
  });
});

describe('node/walk outputPath: how every command names a file', () => {
  it('relative to the working folder with / separators inside it, the absolute path outside it', () => {
    const cwd = path.resolve('/work/app');
    assert.equal(outputPath(cwd, path.join(cwd, 'src', 'a.ts')), 'src/a.ts');
    assert.equal(outputPath(cwd, 'src/a.ts'), 'src/a.ts', 'a relative path is read from the working folder');
    assert.equal(outputPath(cwd, path.join(cwd, '..foo', 'a.ts')), '..foo/a.ts', 'a folder named ..foo is inside');
    assert.equal(outputPath(cwd, path.resolve('/work/other/b.py')), path.resolve('/work/other/b.py').split(path.sep).join('/'));
  });

  it('scan, n-plus-one and sql name a file outside the working folder the same way', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-outside-'));
    try {
      const file = path.join(dir, 'views.py');
      fs.writeFileSync(file, 'import psycopg2\n\ndef names(cur, ids):\n    for i in ids:\n        cur.execute("SELECT name FROM users WHERE id = %s", (i,))\n');
      const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-cwd-'));
      try {
        const want = file.split(path.sep).join('/');
        const scan = JSON.parse((await runCli(['scan', dir, '--format', 'json'], { cwd })).out);
        const nPlusOne = JSON.parse((await runCli(['n-plus-one', dir, '--format', 'json'], { cwd })).out);
        const sql = JSON.parse((await runCli(['sql', dir, '--format', 'json'], { cwd })).out);
        assert.deepEqual([...new Set(scan.findings.map((f: { file: string }) => f.file))], [want]);
        assert.deepEqual(nPlusOne.map((f: { file: string }) => f.file), [want]);
        assert.deepEqual(sql.map((s: { file: string }) => s.file), [want]);
      } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sql reads files as scan does: a file that looks binary is skipped, and both say so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-binary-'));
    try {
      fs.writeFileSync(path.join(dir, 'blob.ts'), "\0\0import { Pool } from 'pg';\nawait pool.query('SELECT id FROM t WHERE a = $1', [1]);\n");
      const sql = await runCli(['sql', '.', '--format', 'json'], { cwd: dir });
      assert.deepEqual(JSON.parse(sql.out), []);
      assert.match(sql.err, /pg-lens sql: skipped blob\.ts: unreadable or binary/);
      assert.match((await runCli(['scan', '.'], { cwd: dir })).err, /pg-lens scan: skipped .*blob\.ts: unreadable or binary/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
