import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../unit/support/cli';
import { testDatabase } from '../support';

/**
 * Older majors of the ORMs that apps still run (issue 16: an app nobody here wrote): TypeORM 0.2 (a `Connection`, no
 * DataSource) and Sequelize 5, installed as devDependency aliases (typeorm-02, sequelize-5). Each fixture is run from a
 * folder of its own whose node_modules/<name> links to the alias, so the app requires `typeorm`/`sequelize` as a real
 * app does.
 */
const root = path.join(__dirname, '..', '..', '..');
const capture = path.join(root, 'dist', 'capture.js');

interface Site { file: string | null; line?: number; statements: { sql: string; calls: number }[] }
interface NPlusOne { file: string; line: number; calls: number; via: string; unit: string }

/** A folder holding the fixture and node_modules links (`name` → the alias); null when the alias is not installed. */
function appFolder(fixture: string, links: Record<string, string>): { dir: string; program: string } | null {
  for (const target of Object.values(links)) if (!fs.existsSync(path.join(root, 'node_modules', target, 'package.json'))) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-oldorm-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(path.join(root, 'node_modules', target), path.join(dir, 'node_modules', name), 'dir');
  const program = path.join(dir, 'app.js');
  fs.copyFileSync(path.join(root, 'test', 'fixtures', 'record', 'oldOrms', fixture), program);
  return { dir, program };
}

function lineOf(file: string, marker: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `${marker} not in ${file}`);
  return i + 1;
}

describe('cli: pg-lens record on older ORM majors (real PostgreSQL, real child processes)', function () {
  this.timeout(180000);
  const t = testDatabase('recold');
  before(() => assert.ok(fs.existsSync(capture), 'dist/capture.js is missing: npm run build first (npm test does)'));

  async function recorded(fixture: string, links: Record<string, string>, skip: () => void) {
    const app = appFolder(fixture, links);
    if (!app) {
      console.log(`      skipped: ${Object.values(links).join(', ')} not installed (devDependencies: npm ci installs them)`);
      skip();
      throw new Error('unreachable');
    }
    const r = await runCli(['record', '--format', 'json', '--', process.execPath, app.program], { env: { ...process.env, DATABASE_URL: t.url }, cwd: app.dir });
    const done = () => fs.rmSync(app.dir, { recursive: true, force: true });
    if (r.code !== 0) done();
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { sites: Site[]; nPlusOne: NPlusOne[]; sitesUnknown?: string };
    const at = (marker: string) => json.sites.find((s) => s.file === 'app.js' && s.line === lineOf(app.program, marker));
    const sqlAt = (marker: string) => (at(marker)?.statements ?? []).map((s) => [s.sql.replace(/\s+/g, ' ').slice(0, 30), s.calls]);
    const n1 = json.nPlusOne.map((n) => [n.file, n.line, n.calls, n.unit]);
    const line = (marker: string) => lineOf(app.program, marker);
    const siteless = json.sites.filter((s) => !s.file).flatMap((s) => s.statements.map((x) => x.sql));
    return { json, at, sqlAt, n1, line, siteless, done };
  }

  it('TypeORM 0.2 (createConnection, getRepository, findOne(id), findByIds, connection.query, a lazy relation): each call at its line in a script and in a request, the N+1 at each loop with its count, nothing else', async function () {
    const r = await recorded('typeorm02.js', { typeorm: 'typeorm-02', pg: 'pg' }, () => this.skip());
    try {
      for (const m of ['// findOne line', '// findByIds line', '// manager line', '// builder line', '// list line', '// request list line', '// lazy line', '// raw line']) {
        assert.equal(r.sqlAt(m).length >= 1, true, `${m}: ${JSON.stringify(r.json.sites.map((s) => [s.file, s.line]))}`);
      }
      assert.equal(r.at('// await line'), undefined, 'nothing at the line that awaits the calls');
      assert.deepEqual(r.n1, [['app.js', r.line('// request loop line'), 6, 'GET /books'], ['app.js', r.line('// loop line'), 5, 'outside any request or test']]);
      assert.deepEqual(r.siteless.filter((sql) => /ot_/.test(sql)), []);
      assert.equal(r.json.sitesUnknown, undefined);
    } finally {
      r.done();
    }
  });

  it('Sequelize 5 (sequelize.define, an association getter in a loop, include, raw queries): each call at its line in a script and in a request, the N+1 at each loop with its count, nothing else', async function () {
    const r = await recorded('sequelize5.js', { sequelize: 'sequelize-5', pg: 'pg' }, () => this.skip());
    try {
      for (const m of ['// setup line', '// findByPk line', '// count line', '// raw line', '// list line', '// request list line', '// include line']) {
        assert.equal(r.sqlAt(m).length >= 1, true, `${m}: ${JSON.stringify(r.json.sites.map((s) => [s.file, s.line]))}`);
      }
      assert.equal(r.at('// await line'), undefined, 'nothing at the line that awaits the calls');
      assert.deepEqual(r.n1, [['app.js', r.line('// request loop line'), 6, 'GET /books'], ['app.js', r.line('// loop line'), 5, 'outside any request or test']]);
      assert.deepEqual(r.siteless.filter((sql) => /os_/.test(sql)), []);
      assert.equal(r.json.sitesUnknown, undefined);
    } finally {
      r.done();
    }
  });
});
