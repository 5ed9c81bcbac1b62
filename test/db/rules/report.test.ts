/**
 * `pg-lens report` against a real PostgreSQL: statements run by a plain client (one on a table with a
 * hostile name), code scanned from a folder, one self-contained HTML / Markdown file written.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { runCli } from '../../unit/support/cli';
import { testDatabase, statementStats } from '../support';

const HOSTILE = '<script>alert(1)</script>';

describe('cli report (real PostgreSQL)', function () {
  const t = testDatabase('report');
  let dir: string;
  let pss = false;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-report-'));
    pss = await statementStats(t, 'the report says statistics are unavailable');
    await t.admin.query(`CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, note text);
      INSERT INTO orders SELECT g, g % 50, 'n' FROM generate_series(1, 2000) g;
      CREATE TABLE "${HOSTILE}" (id int); INSERT INTO "${HOSTILE}" VALUES (1);
      CREATE TABLE people (id int PRIMARY KEY, email text, nickname text); GRANT SELECT ON people TO PUBLIC; ANALYZE;`);
    const app = new Client({ connectionString: t.url, password: t.password });
    await app.connect();
    try {
      for (let i = 0; i < 20; i++) await app.query('SELECT id, note FROM orders WHERE user_id = $1 ORDER BY id LIMIT 10 OFFSET $2', [i, i * 10]);
      await app.query(`SELECT id FROM "${HOSTILE}"`);
    } finally {
      await app.end();
    }
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'orders.ts'), [
      "import { db } from './db';",
      'export async function page(userId: number, n: number) {',
      "  return db.query('SELECT id, note FROM orders WHERE user_id = $1 ORDER BY id LIMIT 10 OFFSET $2', [userId, n * 10]);",
      '}',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'src', 'people.ts'), [
      "import { db } from './db';",
      "export const contact = (id: number) => db.query('SELECT p.email FROM people p WHERE p.id = $1', [id]);",
      "export const nick = (id: number) => db.query('SELECT nickname FROM people WHERE id = $1', [id]);",
      '',
    ].join('\n'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCli(args, { env: { PGPASSWORD: t.password ?? '' }, cwd: dir });

  it('writes one self-contained HTML file with findings, statements and where they are in the code', async () => {
    const r = await run(['report', '--db', t.url, 'src', '--out', 'report.html']);
    assert.equal(r.code, 0, r.err);
    // The OFFSET page and its missing index, as pg-lens scan --db finds them (person51 M-5: the report left the index out).
    assert.match(r.out, /^Wrote report\.html: 2 findings, /);
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<script|<link|<img|src=/i);
    assert.match(html, /offset-pagination/);
    assert.match(html, /missing-index/);
    assert.match(html, /<h2>Health checks<\/h2>\n(<table><thead><tr><th>Status<\/th>|<p class="note">Every health check passed)/);
    if (pss) {
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the hostile table name, escaped');
      assert.match(html, /ORDER BY id LIMIT \$3 OFFSET \$4|ORDER BY id LIMIT \$\d OFFSET \$\d/);
      assert.match(html, /in code: <code>src\/orders\.ts:3<\/code>/);
    } else assert.match(html, /pg_stat_statements is/);
    // The security section: the harness logs in as a superuser; the script grants what the code uses and what the
    // statistics saw (the seed's INSERTs), never less than either (person18 MEDIUM 5), and says so.
    assert.match(html, /<h2>Security<\/h2>/);
    assert.match(html, /superuser-application-role/);
    assert.match(html, /Privileges from \d+ tables, the statements and query-builder calls found in the code \(src\) and .* of table statistics \(since .*, by any role\); a statement in neither is not covered — check before applying/);
    assert.match(html, /GRANT SELECT(, INSERT)? ON public\.orders TO postgres_app;/);
    assert.match(html, /GRANT SELECT ON public\.people TO postgres_app;/);
    // The email column everyone can read, and the one place in the code that reads it.
    assert.match(html, /sensitive-column-unprotected: public\.people, public\.people\.email/);
    assert.match(html, /Read in code at: src\/people\.ts:2 \(email\)\./);
    assert.doesNotMatch(html, /ON public\.&lt;script/, 'a table only the statistics show is granted with its name quoted');
  });

  it('writes Markdown, and refuses an unknown output type in one line', async () => {
    const r = await run(['report', '--db', t.url, '--out', 'report.md']);
    assert.equal(r.code, 0, r.err);
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.match(md, /^# PG Lens report/);
    assert.match(md, /No source paths were given/);
    // Markup only ever inside a fenced code block (the role script's SQL, kept exact for copying), which Markdown shows as text.
    const fences = [...md.matchAll(/^(`{3,})sql\n([\s\S]*?)\n\1$/gm)];
    // Outside it a `<` of the data comes with Markdown's backslash (an escaped `<` opens no tag), never as an entity.
    assert.doesNotMatch(md.replace(/^(`{3,})sql\n[\s\S]*?\n\1$/gm, ''), /(?<!\\)<script|&lt;|&#39;/);
    assert.ok(fences.length <= 1);
    const bad = await run(['report', '--db', t.url, '--out', 'report.pdf']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--out must end in \.html or \.md/);
  });
});
