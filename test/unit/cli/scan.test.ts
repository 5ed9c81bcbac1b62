/**
 * `pg-lens scan` end to end without a database: files on disk → text/JSON/SARIF and exit codes.
 * The SARIF is validated against the SARIF 2.1.0 JSON schema (OASIS standard, rtm.5, as shipped by
 * @microsoft/jest-sarif) with ajv 6 (the schema is draft-04, which ajv 8 no longer reads).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { runCli } from '../support/cli';
import { allRuleMeta, RULES } from '../../../src/core/rules/index';
import { tempFolderPerTest } from '../support/tempFolder';
import { progressKind } from '../../../src/cli/commands/scan';

const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

const run = (args: string[], cwd: string) => runCli(args, { cwd });

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  }
}

describe('cli scan', () => {
  const dir = tempFolderPerTest('pglens-scan-');
  beforeEach(() => {
    write(dir(), {
      '.gitignore': 'generated/\n',
      'db/queries.sql': [
        'SELECT id FROM orders WHERE lower(email) = $1;',
        '-- pg-lens-ignore update-delete-without-where: test fixture reset',
        'DELETE FROM sessions;',
        "SELECT id FROM users WHERE name LIKE '%ann';",
        '',
      ].join('\n'),
      'db/danger.sql': 'UPDATE users SET active = $1;\n',
      'db/migrations/0002_backfill.sql': 'SELECT id FROM users WHERE lower(email) = $1;\n',
      'generated/ignored.sql': 'DELETE FROM everything;\n',
      'vendor-sql/skip.sql': 'DELETE FROM skipped;\n',
    });
  });

  it('sql honours --exclude like scan (the shared EXCLUDE_OPTIONS), and lists the rest', async () => {
    const all = await run(['sql', '.'], dir());
    assert.match(all.out, /DELETE FROM skipped/);
    const r = await run(['sql', '.', '--exclude', 'vendor-sql/**'], dir());
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /UPDATE users SET active = \$1/);
    assert.doesNotMatch(r.out, /skipped|everything/);
  });
  it("sql shows what a placeholder was written as only where the code wrote it otherwise: `$1 ← :email`, never `$1 ← $1` (person51 L-7)", async () => {
    write(dir(), {
      'app/q.ts': "export const a = (db: any, id: number) => db.query('SELECT id FROM orders WHERE customer_id = $1', [id]);\n",
      'app/q.py': "def b(cur, email):\n    cur.execute('SELECT id FROM users WHERE email = %(email)s', {'email': email})\n",
    });
    const r = await run(['sql', 'app'], dir());
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /customer_id = \$1/);
    assert.doesNotMatch(r.out, /\$1 ← \$1/);
    assert.match(r.out, /-- \$1 ← %\(email\)s/);
  });
  it('prints findings as path:line:col with a summary, honours .gitignore, --exclude and suppressions', async () => {
    const r = await run(['scan', '.', '--exclude', 'vendor-sql/**'], dir());
    assert.match(r.out, /^db\/danger\.sql:1:1: warning update-delete-without-where: UPDATE without WHERE/m);
    // The same rule in a migration is capped at info (runs once), and the summary groups by context.
    assert.match(r.out, /^db\/migrations\/0002_backfill\.sql:1:28: info non-sargable-predicate: /m);
    assert.match(r.out, /^db\/queries\.sql:1:29: warning non-sargable-predicate: /m);
    // Without a database a leading wildcard's scan is a note: the table's size is unproved (issue 14, session 25).
    assert.match(r.out, /^db\/queries\.sql:4:28: info leading-wildcard-like: .*unproved here/m);
    assert.doesNotMatch(r.out, /sessions|ignored\.sql|skip\.sql/);
    assert.match(r.out, /3 files, 5 SQL statements: 2 warnings, 2 infos\nby context: request 3 \(2 warnings, 1 info\), migration 1 \(1 info\)\nno database: static rules only [^\n]*\nread about the rules:\n/);
    // Each rule with findings once, with its docs page on this machine (the file the CLI ships beside it): one a reader can open.
    const docs = [...r.out.matchAll(/^ {4}([a-z-]+): (.+\.md)$/gm)]; // the path as it is, spaces included
    assert.deepEqual(docs.map((m) => m[1]), [...new Set(docs.map((m) => m[1]))].sort());
    assert.ok(docs.length >= 2, r.out);
    for (const [, id, file] of docs) assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`^# ${id}$`, 'm'));
    assert.doesNotMatch(r.out, /https?:\/\//, 'no web address: the project publishes no web copy of its docs');
    assert.equal(r.code, 0, 'warnings stay below the default --fail-on error');
    assert.equal((await run(['scan', '.', '--exclude', 'vendor-sql/**', '--context', 'migration=keep', '--fail-on', 'warning'], dir())).code, 1);
    assert.match((await run(['scan', '.', '--exclude', 'vendor-sql/**', '--context', 'migration=keep'], dir())).out, /^db\/migrations\/0002_backfill\.sql:1:28: warning non-sargable-predicate: /m);
    assert.equal((await run(['scan', '.', '--context', 'nowhere=info'], dir())).code, 2, 'a bad --context is a usage error');
  });

  it('a path that does not exist is a usage error (exit 2 with the usage line) when none of the paths exists, as for n-plus-one and sql (person32 M2)', async () => {
    const r = await run(['scan', 'nonexist'], dir());
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /no such file or folder: nonexist/);
    assert.match(r.err, /usage: pg-lens scan/);
    // One of two paths exists: the scan runs and the missing one is named.
    const some = await run(['scan', 'nonexist', 'db/danger.sql', '--fail-on', 'never'], dir());
    assert.equal(some.code, 0, some.err);
    assert.match(some.err, /no such file or folder: nonexist/);
    assert.match(some.out, /danger\.sql/);
  });
  it('says when it ran without a database (person32 M3), and a database from the environment that cannot be reached leaves the static scan (CI)', async () => {
    const r = await run(['scan', 'db/danger.sql', '--fail-on', 'never'], dir());
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^no database: static rules only \(pass --db URL, or set DATABASE_URL or PGHOST…, for index advice and table sizes\)$/m);
    const json = JSON.parse((await run(['scan', 'db/danger.sql', '--format', 'json', '--fail-on', 'never'], dir())).out);
    assert.match(json.summary.database, /^no database: static rules only/);
    const down = await runCli(['scan', 'db/danger.sql', '--fail-on', 'never'], { cwd: dir(), env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PGCONNECT_TIMEOUT: '2' } });
    assert.equal(down.code, 0, down.err);
    assert.match(down.err, /pg-lens scan: no database \(DATABASE_URL: .+\): static rules only/);
    assert.match(down.out, /danger\.sql:1:1: warning update-delete-without-where/);
    assert.match(down.out, /^no database: static rules only/m);
  });
  it('exit code follows --fail-on', async () => {
    assert.equal((await run(['scan', 'db', '--fail-on', 'never'], dir())).code, 0);
    assert.equal((await run(['scan', 'db/queries.sql'], dir())).code, 0, 'warnings only: below --fail-on error');
    assert.equal((await run(['scan', 'db/queries.sql', '--fail-on', 'warning'], dir())).code, 1);
    assert.equal((await run(['scan', 'db/danger.sql', '--fail-on', 'warning'], dir())).code, 1);
    assert.equal((await run(['scan', 'db/danger.sql', '--fail-on', 'warning', '--rule', 'update-delete-without-where=off'], dir())).code, 0);
    assert.equal((await run(['scan', 'db/queries.sql', '--rule', 'leading-wildcard-like=error'], dir())).code, 1);
  });

  it('writes valid SARIF 2.1.0 with rule metadata and relative locations', async () => {
    const r = await run(['scan', '.', '--format', 'sarif', '--exclude', 'vendor-sql/', '--exclude', 'db/migrations/'], dir());
    const log = JSON.parse(r.out);
    const ajv = new Ajv({ schemaId: 'id', allErrors: true, logger: false });
    ajv.addMetaSchema(JSON.parse(fs.readFileSync(require.resolve('ajv/lib/refs/json-schema-draft-04.json'), 'utf8')));
    const valid = ajv.validate(schema, log);
    assert.ok(valid, JSON.stringify(ajv.errors, null, 2));
    // The validator does reject a broken log (a level SARIF does not have, a region line of 0).
    const broken = JSON.parse(r.out);
    broken.runs[0].results[0].level = 'info';
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(ajv.validate(schema, broken), false);
    const run0 = log.runs[0];
    assert.doesNotMatch(JSON.stringify(run0.tool), /https?:\/\//, 'no web address in the tool metadata');
    const rules = run0.tool.driver.rules as any[];
    for (const m of RULES) {
      const rule = rules.find((x) => x.id === m.id);
      assert.ok(rule, m.id);
      assert.equal(rule.shortDescription.text, m.description);
      // No helpUri (the project publishes no web copy: a dead link is worse than none); the page itself is the rule's help.
      assert.equal(rule.helpUri, undefined);
      assert.equal(rule.help.markdown, fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'rules', `${m.id}.md`), 'utf8'));
      assert.match(rule.help.text, new RegExp(`docs/rules/${m.id}\\.md`));
      assert.equal(rule.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[m.defaultSeverity]);
    }
    const results = run0.results as any[];
    assert.deepEqual(results.map((x) => x.ruleId).sort(), ['leading-wildcard-like', 'non-sargable-predicate', 'update-delete-without-where']);
    const nonSarg = results.find((x) => x.ruleId === 'non-sargable-predicate');
    assert.equal(nonSarg.level, 'warning');
    assert.equal(rules[nonSarg.ruleIndex].id, 'non-sargable-predicate');
    const loc = nonSarg.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'db/queries.sql');
    assert.deepEqual(loc.region, { startLine: 1, startColumn: 29, endLine: 1, endColumn: 41 });
    assert.equal(run0.originalUriBaseIds.SRCROOT.uri, new URL(`file://${dir()}/`).href);
  });

  it('JSON output carries positions, fixes and a summary', async () => {
    const r = await run(['scan', 'db', '--format', 'json'], dir());
    const j = JSON.parse(r.out);
    assert.equal(j.summary.files, 3);
    assert.deepEqual(j.summary.byContext, { request: { warning: 2, info: 1 }, migration: { info: 1 } });
    assert.equal(j.findings.find((x: any) => x.file === 'db/migrations/0002_backfill.sql').context, 'migration');
    const f = j.findings.find((x: any) => x.ruleId === 'leading-wildcard-like');
    assert.deepEqual([f.file, f.line, f.column], ['db/queries.sql', 4, 28]);
  });

  it('writes to --output and reports usage errors in one line', async () => {
    const r = await run(['scan', 'db', '--format', 'sarif', '--output', 'out.sarif'], dir());
    assert.equal(r.out, '');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir(), 'out.sarif'), 'utf8')).version, '2.1.0');
    const bad = await run(['scan', '--format', 'xml'], dir());
    assert.equal(bad.code, 2);
    assert.match(bad.err.split('\n')[0], /--format must be text, json or sarif, not "xml"$/);
    const hostile = await run(['scan', '--format', 'x\n::error::forged'], dir());
    assert.equal(hostile.code, 2);
    assert.match(hostile.err.split('\n')[0], /--format must be text, json or sarif, not "x\\n::error::forged"$/, 'the value is quoted on the same line');
    assert.equal((await run(['scan', '--rule', 'no-such-rule=off'], dir())).code, 2);
    // --db with no value (person41: "Option '--db <value>' argument missing"): what it takes, in one line.
    const noDb = await run(['scan', '.', '--db'], dir());
    assert.equal(noDb.code, 2);
    assert.match(noDb.err.split('\n')[0], /--db needs a value: a connection URL \(--db postgres:\/\/user@host:5432\/dbname\) or a libpq string/);
    assert.doesNotMatch(noDb.err, /argument missing/);
    // One line, not the message and then the whole usage line (person42 L1); another option says its own shape.
    assert.equal(noDb.err.split('\n').length, 1, noDb.err);
    const noOut = await run(['scan', '.', '--output'], dir());
    assert.deepEqual(noOut.err.split('\n'), ['pg-lens scan: --output needs a value (--output FILE)']);
    assert.equal((await run(['health', '--db'], dir())).err.split('\n').length, 1);
    // An unknown option (person45 L3): our one line, then the usage line — not Node's "Unknown option '--frobnicate'. To
    // specify a positional argument starting with a '-', place it … as in '-- "--frobnicate"" with its quote left open.
    const unknown = await run(['scan', '.', '--frobnicate'], dir());
    assert.equal(unknown.code, 2);
    const lines = unknown.err.split('\n');
    assert.equal(lines[0], 'pg-lens scan: unknown option --frobnicate');
    assert.match(lines[1], /^usage: pg-lens scan /);
    assert.equal(lines.length, 2, unknown.err);
    assert.doesNotMatch(unknown.err, /positional|'--'/);
    // A switch given a value: said so.
    assert.equal((await run(['scan', '.', '--verbose=yes'], dir())).err.split('\n')[0], 'pg-lens scan: --verbose takes no value');
  });

  it('every rule id of the registry and the other analyses is accepted in --rule', async () => {
    for (const m of allRuleMeta()) assert.notEqual((await run(['scan', 'db/danger.sql', '--rule', `${m.id}=off`, '--fail-on', 'never'], dir())).code, 2, m.id);
  });
});

describe('cli scan: another dialect, mapper files and view templates', () => {
  const dir = tempFolderPerTest('pglens-dialect-');

  it('a SQLite project (JDBC URL) gets no PostgreSQL advice on its MyBatis mapper, and the summary says so', async () => {
    write(dir(), {
      'src/main/resources/application.properties': 'spring.datasource.url=jdbc:sqlite:dev.db\n',
      'src/main/resources/mapper/ArticleMapper.xml': '<mapper namespace="a.ArticleMapper">\n<select id="page">SELECT * FROM articles ORDER BY id LIMIT #{limit} OFFSET #{offset}</select>\n</mapper>\n',
    });
    const r = await run(['scan', '.'], dir());
    assert.equal(r.code, 0, r.out + r.err);
    assert.doesNotMatch(r.out, /offset-pagination|select-star/);
    assert.match(r.out, /ArticleMapper\.xml:2:1: hint other-dialect: .*SQLite \(src\/main\/resources\/application\.properties: jdbc:sqlite\)/);
    assert.match(r.out, /not analysed for PostgreSQL: 1 file whose SQL targets SQLite/);
  });

  it('the same mapper in a PostgreSQL project is analysed at its line, with MyBatis fix text', async () => {
    write(dir(), {
      'src/main/resources/application.properties': 'spring.datasource.url=jdbc:postgresql://db/app\n',
      'src/main/resources/mapper/ArticleMapper.xml': '<mapper namespace="a.ArticleMapper">\n<select id="page">SELECT id FROM articles ORDER BY id LIMIT #{limit} OFFSET #{offset}</select>\n</mapper>\n',
    });
    const r = await run(['scan', '.', '--format', 'json'], dir());
    const j = JSON.parse(r.out);
    const f = j.findings.find((x: { ruleId: string }) => x.ruleId === 'offset-pagination');
    assert.equal(f.line, 2);
    assert.match(f.help, /mapper statement/);
    assert.equal(j.summary.notAnalysedForPostgres, null);
  });

  it('reads Rails views (.erb, .jbuilder) like pg-lens n-plus-one: the implicit N+1 is reported on the controller, the view line related', async () => {
    write(dir(), {
      'app/models/post.rb': 'class Post < ApplicationRecord\n  belongs_to :author\n  has_many :tags\nend\n',
      'app/controllers/posts_controller.rb': 'class PostsController < ApplicationController\n  def index\n    @posts = Post.where(published: true)\n  end\n\n  def feed\n    @posts = Post.order(:id)\n  end\nend\n',
      'app/views/posts/index.html.erb': '<% @posts.each do |post| %>\n  <%= post.author.name %>\n<% end %>\n',
      'app/views/posts/feed.json.jbuilder': 'json.array! @posts do |post|\n  json.tags post.tags.map(&:name)\nend\n',
    });
    const r = await run(['scan', '.', '--format', 'json', '--fail-on', 'never'], dir());
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const views = j.findings.filter((f: { ruleId: string }) => f.ruleId === 'n-plus-one').map((f: { file: string; line: number; message: string }) => `${f.file}:${f.line} <- ${/N\+1 query \(view\): (\S+?):\d+/.exec(f.message)?.[1]}`);
    assert.deepEqual(views.sort(), ['app/controllers/posts_controller.rb:3 <- app/views/posts/index.html.erb', 'app/controllers/posts_controller.rb:7 <- app/views/posts/feed.json.jbuilder']);
  });

  it("one folder given: its files are judged by their path in it (examples/shop is the app scanned, not a one-off example), and printed from the working folder", async () => {
    write(dir(), {
      'examples/shop/src/orders.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const byEmail = (e: string) => pool.query('SELECT id FROM orders WHERE lower(email) = $1', [e]);\n",
      'examples/shop/scripts/backfill.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const run = (e: string) => pool.query('SELECT id FROM orders WHERE lower(email) = $1', [e]);\n",
    });
    const r = await run(['scan', 'examples/shop', '--format', 'json', '--fail-on', 'never'], dir());
    assert.equal(r.code, 0, r.err);
    const found = JSON.parse(r.out).findings.filter((f: { ruleId: string }) => f.ruleId === 'non-sargable-predicate').map((f: { file: string; context: string; severity: string }) => `${f.file} ${f.context} ${f.severity}`);
    assert.deepEqual(found.sort(), ['examples/shop/scripts/backfill.ts script info', 'examples/shop/src/orders.ts request warning']);
    // From inside, the same.
    const inside = JSON.parse((await run(['scan', '.', '--format', 'json', '--fail-on', 'never'], path.join(dir(), 'examples', 'shop'))).out);
    assert.deepEqual(inside.findings.filter((f: { ruleId: string }) => f.ruleId === 'non-sargable-predicate').map((f: { file: string; context: string }) => `${f.file} ${f.context}`).sort(), ['scripts/backfill.ts script', 'src/orders.ts request']);
  });
});


describe('cli scan: progress lines (person41)', () => {
  it('the index advice\'s progress is counted, its errors and skips are said', () => {
    assert.equal(progressKind('index advice: built a trial index on public.orders (92 ms, rolled back): CREATE INDEX x ON orders (status)'), 'trial indexes built and rolled back');
    assert.equal(progressKind('index advice: reused the proof of a trial index on orders made 3 s ago (nothing built): CREATE INDEX x ON orders (status)'), 'proofs reused');
    assert.equal(progressKind('index advice: trial index on orders skipped: another PG Lens session (another window, the CLI) is building one there'), undefined);
    assert.equal(progressKind('index advice: src/a.ts:3: permission denied for table orders'), undefined);
  });
});
