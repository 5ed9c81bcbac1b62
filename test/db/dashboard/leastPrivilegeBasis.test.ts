/**
 * The least-privilege role script is never narrower than what is known the application does (person18 MEDIUM 5:
 * `GRANT SELECT, INSERT ON public.favorites` from the statistics, while the code deletes from it): `pg-lens report` with
 * the code adds the privileges of its SQL and query-builder calls (knex `.del()`) to the statistics', and `pg-lens health`
 * (a database, no code) says plainly what the script rests on and where that basis is thin.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testDatabase } from '../support';
import { runCli as run } from '../../unit/support/cli';

describe('least-privilege role script: its basis, and the code’s writes', function () {
  this.timeout(180000);
  const t = testDatabase('least_priv');
  let dir = '';
  before(async () => {
    const a = t.admin;
    await a.query(`CREATE TABLE favorites (id serial PRIMARY KEY, article int NOT NULL, "user" int NOT NULL)`);
    await a.query(`CREATE TABLE articles (id serial PRIMARY KEY, title text)`);
    // The traffic favorited and read, but never unfavorited: the statistics show INSERT only.
    await a.query(`INSERT INTO favorites (article, "user") SELECT g, g FROM generate_series(1, 20) g`);
    await a.query(`INSERT INTO articles (title) SELECT 't' || g FROM generate_series(1, 20) g`);
    await a.query(`SELECT * FROM favorites WHERE id = 1`);
    await a.query(`SELECT pg_stat_force_next_flush()`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-leastpriv-'));
    fs.writeFileSync(path.join(dir, 'favorites.js'), [
      `const db = require('knex')({ client: 'pg' });`,
      `async function unfavorite(article, user) { await db('favorites').where({ article, user }).del(); }`,
      `async function rename(id, title) { await db('articles').where({ id }).update({ title }); }`,
      `module.exports = { unfavorite, rename };`,
      '',
    ].join('\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pg-lens health on a database only: the script is from the statistics, and it says so, with the tables written only some ways', async () => {
    const r = await run(['health', '--db', t.url, '--format', 'json', '--check', 'superuser-application-role']);
    const f = (JSON.parse(r.out) as any[]).find((x) => x.evidence.current);
    assert.ok(f, r.out + r.err);
    assert.ok(f.fixSql.includes(`GRANT SELECT, INSERT ON public.favorites TO ${f.evidence.role.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_app;`), JSON.stringify(f.fixSql));
    assert.match(f.help, /of table statistics \(since .*, by any role\) only — no code was read; statements the application did not run in that time are not covered/);
    assert.match(f.help, /check before applying/);
    assert.match(f.help, /public\.favorites was written only by INSERT \(no UPDATE or DELETE seen\): add UPDATE, DELETE if the application does that/);
    assert.equal(f.evidence.leastPrivilege.basis.startsWith('from '), true);
  });

  it('pg-lens report with the code: the knex .del() and .update() add DELETE and UPDATE to the statistics’ privileges', async () => {
    const out = path.join(dir, 'report.md');
    const r = await run(['report', '--db', t.url, dir, '--out', out]);
    assert.equal(r.code, 0, r.err);
    const md = fs.readFileSync(out, 'utf8');
    assert.match(md, /GRANT SELECT, INSERT, DELETE ON public\.favorites TO \w+_app;/, md);
    assert.match(md, /GRANT SELECT, INSERT, UPDATE ON public\.articles TO \w+_app;/, md);
    assert.match(md, /the statements and query-builder calls found in the code \([^)]*\) and .* of table statistics/);
    assert.doesNotMatch(md, /favorites was written only by/, 'the code says what else it does to favorites');
  });
});
