import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runCli } from '../../unit/support/cli';
import { listen } from '../../../src/capture/listener';
import { captureEnv } from '../../../src/capture/env';
import { LiveRecording } from '../../../src/core/record/live';
import { loadPgParser, normalizeSql } from '../../../src/core/sql/statement';
import { testDatabase } from '../support';

const root = path.join(__dirname, '..', '..', '..');
const fixtures = path.join('test', 'fixtures', 'record');
/** Debian's python3 (where apt installs python3-psycopg2 & co.); PGLENS_PYTHON overrides. */
const python = process.env.PGLENS_PYTHON ?? (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

function has(modules: string[]): string | undefined {
  const r = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${python} lacks ${modules.join('/')} (apt-get install ${modules.map((m) => `python3-${m.replace(/_/g, '-')}`).join(' ')}; .ci/run does)`;
}

/** A capability missing on this machine: say which in one line, then skip. */
function skip(ctx: Mocha.Context, why: string): void {
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

async function record(script: string, url: string, advise = false): Promise<{ code: number; json: any; err: string }> {
  const r = await runCli(['record', '--format', 'json', ...(advise ? ['--db', url] : []), '--', python, path.join(fixtures, script)], { env: { ...process.env, DATABASE_URL: url }, cwd: root });
  return { code: r.code, json: r.out ? JSON.parse(r.out) : undefined, err: r.err };
}

function lineOf(file: string, marker: string): number {
  return fs.readFileSync(path.join(root, fixtures, file), 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
}

describe('cli: pg-lens record with Python apps (sitecustomize capture, real PostgreSQL)', function () {
  this.timeout(180000);
  const t = testDatabase('record_py');

  it('Django: the N+1 through a foreign key at its line with its count; migrate\'s catalog reads and select_related are not N+1s', async function () {
    const missing = has(['django', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('django_app.py', t.url);
    assert.equal(r.code, 0, r.err);
    // The template's loop is reported at its own line of the .html file, not at render(); migrate's bookkeeping is a migration unit, never an N+1.
    assert.deepEqual(r.json.nPlusOne.map((n: any) => [n.file, n.line, n.calls, n.via]), [
      [path.join(fixtures, 'django_app.py'), lineOf('django_app.py', '# N+1 line'), 12, 'django'],
      [path.join(fixtures, 'templates', 'permissions.html'), lineOf(path.join('templates', 'permissions.html'), 'template N+1 line'), 7, 'django'],
    ]);
    // The recorded look-up (django_content_type by id) and the call site's line (p.content_type.model) name the relation.
    assert.match(r.json.nPlusOne[0].fix, /select_related\("content_type"\)/);
    assert.equal(r.json.units.migration, 1);
  });

  it("a thin wrapper of the app's around the driver (`return self.cur.execute(sql, params)`, `(*args, **kwargs)`) is not the site: the line that called it is; a helper that writes its own statement stays the site (person21 MEDIUM 1)", async function () {
    const missing = has(['psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('passthrough_app.py', t.url);
    assert.equal(r.code, 0, r.err);
    const file = path.join(fixtures, 'passthrough_app.py');
    const calls = Object.fromEntries(r.json.sites.filter((s: { file: string }) => s.file === file).map((s: { line: number; calls: number }) => [s.line, s.calls]));
    assert.deepEqual(calls, { [lineOf('passthrough_app.py', '# caller line A')]: 6, [lineOf('passthrough_app.py', '# caller line B')]: 3, [lineOf('passthrough_app.py', '# a helper that writes its statement')]: 2 });
  });

  it('Django requests are named by route (person15): the Django route once resolved, else the path with ids as :id', async function () {
    const missing = has(['django', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('django_routes.py', t.url);
    assert.equal(r.code, 0, r.err);
    const at = (marker: string) => r.json.sites.find((s: any) => s.file === path.join(fixtures, 'django_routes.py') && s.line === lineOf('django_routes.py', marker))?.statements.map((s: any) => [s.calls, s.units, s.maxUnit]);
    assert.deepEqual(at('routes: django route'), [[2, 2, 'GET /projects/<uuid:pk>/terms']]);
    assert.deepEqual(at('routes: before resolution'), [[2, 2, 'GET /orders/:id/items']]);
  });

  it('SQLAlchemy on psycopg2: the lazy relationship\'s N+1 at its line; selectinload is not one', async function () {
    const missing = has(['sqlalchemy', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('sqlalchemy_app.py', t.url);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.json.nPlusOne.map((n: any) => [n.line, n.calls, n.via]), [[lineOf('sqlalchemy_app.py', '# N+1 line'), 8, 'sqlalchemy']]);
    // The call site's `a.books` on sa_books and the file's `books = relationship(…)` in class Author name it.
    assert.match(r.json.nPlusOne[0].fix, /selectinload\(Author\.books\)/);
  });

  it('SQLAlchemy, a homework bookshop script (JonS87/HW_ORM): a Query iterated directly while each row reads a chain of lazy many-to-one relationships — the N+1 is the look-up that runs per row (9), not the two the identity map answers (3 each); its session.add writes are not writes per item', async function () {
    const missing = has(['sqlalchemy', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('sqlalchemy_chain.py', t.url);
    assert.equal(r.code, 0, r.err);
    const file = path.join(fixtures, 'sqlalchemy_chain.py');
    assert.deepEqual(r.json.nPlusOne.map((n: any) => [n.file, n.line, n.calls, n.via, n.sql.replace(/\s+/g, ' ').slice(0, 40)]), [[file, lineOf('sqlalchemy_chain.py', '# chain line'), 9, 'sqlalchemy', 'SELECT hw_stock.id AS hw_stock_id, hw_st']]);
    const chain = r.json.sites.find((s: any) => s.file === file && s.line === lineOf('sqlalchemy_chain.py', '# chain line'));
    assert.deepEqual(chain.statements.map((s: any) => s.calls).sort(), [3, 3, 9]);
    assert.ok(r.json.sites.some((s: any) => s.file === file && s.line === lineOf('sqlalchemy_chain.py', '# list line')), 'the list at its line');
    assert.deepEqual(r.json.writesPerItem, []);
  });

  it('SQLAlchemy on psycopg2, CTFd\'s per-user aggregates: one grouped statement each, no placeholder; no recorded value in any advice (person13 P1, P4)', async function () {
    const missing = has(['sqlalchemy', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('sqlalchemy_aggregates.py', t.url, true);
    assert.equal(r.code, 0, r.err);
    const byLine = new Map<number, any>(r.json.nPlusOne.map((n: any) => [n.line, n]));
    const sum = byLine.get(lineOf('sqlalchemy_aggregates.py', '# sum line'));
    const count = byLine.get(lineOf('sqlalchemy_aggregates.py', '# count line'));
    assert.ok(sum && count, JSON.stringify(r.json.nPlusOne.map((n: any) => [n.line, n.sql])));
    // psycopg2 interpolates on the client: the capture records the template, its parameters $n (pd then says which changed).
    assert.match(sum.sql, /WHERE agg_awards\.user_id = \$1/);
    assert.match(sum.fix, /session\.query\(Awards\.user_id, func\.sum\(Awards\.value\)\.label\("award_score"\)\)\.filter\(Awards\.user_id\.in_\(ids\)\)\.group_by\(Awards\.user_id\)/);
    assert.match(count.fix, /session\.query\(Solves\.user_id, func\.count\(\)\.label\("count_1"\)\)\.filter\(Solves\.user_id\.in_\(ids\)\)\.group_by\(Solves\.user_id\)/);
    for (const n of [sum, count]) assert.doesNotMatch(n.fix, /<|joinedload|selectinload/, n.fix);
    // The look-up by one user's id: its text keeps $1, and no advice (index, partial predicate, plan) holds the value.
    const one = r.json.sites.find((s: any) => s.line === lineOf('sqlalchemy_aggregates.py', '# one user line'));
    assert.ok(one, 'the one-user look-up is recorded at its line');
    const st = one.statements[0];
    assert.match(st.sql, /WHERE agg_awards\.user_id = \$1 ORDER BY/);
    assert.ok(st.advice, 'advised on the database (--db)');
    const advice = JSON.stringify(st.advice);
    assert.doesNotMatch(advice, /user_id\)? = \d/, advice);
  });

  /** Per call site at `marker`: [calls, units, most calls in one unit, that unit's name] of each statement, most calls first. */
  function siteUnits(json: any, file: string, marker: string): unknown {
    // Most calls first (a site's statements are listed by time, which the machine's load can reorder).
    return json.sites.find((s: any) => s.file === path.join(fixtures, file) && s.line === lineOf(file, marker))?.statements.map((s: any) => [s.calls, s.units, s.maxPerUnit, s.maxUnit]).sort((a: any[], b: any[]) => b[0] - a[0]);
  }

  it('Flask: each request is a unit named by its URL rule — the lazy loads of one request are its N+1 (7, not 21 over the run); one statement per request is none; a plain WSGI app on wsgiref is per request too', async function () {
    const missing = has(['flask', 'flask_sqlalchemy', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('flask_app.py', t.url);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.json.nPlusOne.map((n: any) => [n.file, n.line, n.calls, n.via]), [[path.join(fixtures, 'flask_app.py'), lineOf('flask_app.py', '# flask N+1 line'), 7, 'sqlalchemy']]);
    assert.deepEqual(siteUnits(r.json, 'flask_app.py', '# flask N+1 line'), [[21, 3, 7, 'GET /shelves/<int:shelf_id>'], [3, 3, 1, 'GET /shelves/<int:shelf_id>']]);
    assert.deepEqual(siteUnits(r.json, 'flask_app.py', '# flask health line'), [[6, 6, 1, 'GET /health']]);
    assert.deepEqual(siteUnits(r.json, 'flask_app.py', '# wsgi line'), [[6, 6, 1, 'GET /items/:id']]);
    assert.equal(r.json.units.request, 15);
  });

  it('Flask + marshmallow (person20 HIGH 1): the lazy loads a library sends while serialising the view\'s response, with no line of the app on the stack, are N+1s of the view (its def line), per request, with the eager load of each relationship on the view\'s query', async function () {
    const missing = has(['flask', 'flask_sqlalchemy', 'psycopg2', 'marshmallow']);
    if (missing) return skip(this, missing);
    const r = await record('flask_serialize.py', t.url);
    assert.equal(r.code, 0, r.err);
    const file = path.join(fixtures, 'flask_serialize.py');
    const view = lineOf('flask_serialize.py', 'def list_articles');
    const n1 = r.json.nPlusOne.map((n: any) => [n.file, n.line, n.calls, n.units, n.unit, n.via, n.serializing?.view]);
    const comments = lineOf('flask_serialize.py', 'def get_comments');
    assert.deepEqual(n1.sort((a: any[], b: any[]) => a[1] - b[1]), [[file, view, 7, 2, 'GET /articles', 'sqlalchemy', 'list_articles'], [file, view, 7, 2, 'GET /articles', 'sqlalchemy', 'list_articles'], [file, comments, 6, 1, 'GET /articles/<int:article_id>/comments', 'sqlalchemy', 'get_comments']]);
    // The comments' author is Comment.author (the rows the library ran are comments), not Article.author.
    assert.match(r.json.nPlusOne.find((n: any) => n.line === comments).fix, /joinedload\(Comment\.author\)/);
    assert.doesNotMatch(r.json.nPlusOne.find((n: any) => n.line === comments).fix, /Article\.author/);
    const fixes = r.json.nPlusOne.filter((n: any) => n.line === view).map((n: any) => n.fix).join('\n');
    assert.match(fixes, /selectinload\(Article\.tagList\)/);
    assert.match(fixes, /joinedload\(Article\.author\)/);
    assert.doesNotMatch(fixes, /Comment\.author|Article\.comments/);
    for (const n of r.json.nPlusOne.filter((x: any) => x.line === view)) assert.deepEqual([n.parent?.file, n.parent?.line], [file, lineOf('flask_serialize.py', '# list query line')]);
    // Every statement is placed: none is left with no line in the app's code. SQLAlchemy's probes of its new connection
    // (`select pg_catalog.version()`, `select current_schema()`, `show transaction isolation level`…) are the
    // connection's (person20 LOW 7), in no line's figures.
    assert.deepEqual(r.json.sites.filter((s: any) => s.file === null && !s.connection).map((s: any) => s.calls), []);
    const setUp = r.json.sites.find((s: any) => s.connection);
    assert.ok(setUp?.statements.some((st: any) => /current_schema|transaction isolation/i.test(st.sql)), JSON.stringify(setUp));
    for (const s of r.json.sites.filter((x: any) => x.file)) for (const st of s.statements) assert.doesNotMatch(st.sql, /current_schema\(\)|show transaction isolation|pg_catalog\.version\(\)/i, `${s.file}:${s.line}`);
    // The one-article view: its lazy loads are its own, once each, never an N+1.
    const one = r.json.sites.find((s: any) => s.file === file && s.line === lineOf('flask_serialize.py', 'def get_article'));
    assert.equal(one?.serializing, 'get_article');
    assert.deepEqual(one.statements.map((s: any) => s.maxPerUnit), [1, 1]);
  });

  it('forked workers (gunicorn\'s prefork): each worker\'s unit is its own — two workers\' 4 look-ups are 4 per unit, not 8 in one merged unit (person17)', async function () {
    const missing = has(['psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('forked_workers.py', t.url);
    assert.equal(r.code, 0, r.err);
    const site = r.json.sites.find((s: any) => s.file === path.join(fixtures, 'forked_workers.py') && s.line === lineOf('forked_workers.py', '# forked worker line'));
    assert.deepEqual(site?.statements.map((s: any) => [s.calls, s.units, s.maxPerUnit]), [[8, 2, 4]]);
  });

  it('Django runserver (autoreloader, threaded server): each request is its own unit — 10 look-ups per request, the once-per-request count once (person17: 11–12 and "2× per request")', async function () {
    const missing = has(['django', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('django_runserver.py', t.url);
    assert.equal(r.code, 0, r.err);
    // The readiness probe and 8 requests from 4 threads: 9 requests, each its own unit named by the Django route.
    const once = r.json.sites.find((s: any) => s.file === path.join(fixtures, 'django_runserver.py') && s.line === lineOf('django_runserver.py', '# runserver once line'));
    assert.deepEqual(once?.statements.filter((s: any) => /COUNT\(\*\)/.test(s.sql)).map((s: any) => [s.calls, s.units, s.maxPerUnit, s.maxUnit]), [[9, 9, 1, 'GET /page/<int:n>']]);
    const nPlusOne = r.json.nPlusOne.filter((n: any) => n.file === path.join(fixtures, 'django_runserver.py'));
    assert.deepEqual(nPlusOne.map((n: any) => [n.line, n.calls, n.units]), [[lineOf('django_runserver.py', '# runserver N+1 line'), 10, 9]]);
  });

  it('launchers are not the app\'s call site (person17: venv/bin/gunicorn:8, manage.py:18): a console script in a virtual environment\'s bin/, and the line calling execute_from_command_line', async function () {
    const missing = has(['django', 'psycopg2']);
    if (missing) return skip(this, missing);
    const r = await record('django_runserver.py', t.url);
    assert.equal(r.code, 0, r.err);
    const at = (marker: string) => r.json.sites.filter((s: any) => s.file === path.join(fixtures, 'django_runserver.py') && s.line === lineOf('django_runserver.py', marker));
    assert.deepEqual(at('# launcher migrate line'), [], 'migrate through execute_from_command_line: Django\'s own statements');
    assert.deepEqual(at('# launcher line'), [], 'runserver\'s start-up checks');
    assert.deepEqual(r.json.sites.filter((s: any) => String(s.file).includes('pglens-venv-')).map((s: any) => s.file), []);
    const launched = r.json.sites.find((s: any) => s.statements.some((st: any) => st.sql.includes('launched')));
    assert.ok(launched && !launched.file, JSON.stringify(launched));
  });

  it('Stop Recording in a flood (person17 HIGH 3): the recording is exactly what was applied before Stop (lines read after it are counted, never added), the app runs on unaffected, and the N+1s are in its figures', async function () {
    const missing = has(['psycopg2']);
    if (missing) return skip(this, missing);
    await loadPgParser();
    // The editor's path (captureRecording): the real listener, each event applied to a LiveRecording at once; Stop
    // in the middle of a chunk of lines, as a command between two reads would.
    const rec = new LiveRecording(normalizeSql);
    let atStop = -1;
    const l = await listen((e) => {
      rec.receive(e);
      if (!rec.stopped && rec.statements === 3000) {
        rec.stop();
        atStop = rec.statements;
        void l.close();
      }
    });
    const env = captureEnv({ ...process.env, DATABASE_URL: t.url }, { node: path.join(root, 'dist', 'capture.js'), python: path.join(root, 'dist', 'python') }, l.path, {});
    const child = spawn(python, [path.join(fixtures, 'stop_flood.py')], { cwd: root, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    assert.equal(await new Promise((r) => child.on('close', r)), 0, err);
    // The app ran all 6000 look-ups, unaffected; the recording holds exactly the 3000 applied before Stop.
    assert.equal(out.trim(), 'done');
    assert.equal(atStop, 3000);
    assert.equal(rec.statements, 3000);
    const s = rec.summary({ threshold: 5 });
    const flood = s.nPlusOne.filter((n) => n.file === path.join(root, fixtures, 'stop_flood.py'));
    assert.deepEqual(flood.map((n) => [n.line, n.calls, n.unitKind]), [[lineOf('stop_flood.py', '# flood line'), 10, 'test']]);
  });

  it('FastAPI/Starlette on uvicorn: each HTTP request is a unit named by its route, in sync (threadpool) and async endpoints alike; a raw ASGI app\'s request is one too', async function () {
    const missing = has(['fastapi', 'uvicorn', 'sqlalchemy', 'psycopg2', 'psycopg']);
    if (missing) return skip(this, missing);
    const r = await record('fastapi_app.py', t.url);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.json.nPlusOne.map((n: any) => [n.line, n.calls]).sort(), [[lineOf('fastapi_app.py', '# fastapi N+1 line'), 7], [lineOf('fastapi_app.py', '# fastapi async N+1 line'), 7]].sort());
    assert.deepEqual(siteUnits(r.json, 'fastapi_app.py', '# fastapi N+1 line'), [[21, 3, 7, 'GET /shelves/{shelf_id}'], [3, 3, 1, 'GET /shelves/{shelf_id}']]);
    assert.deepEqual(siteUnits(r.json, 'fastapi_app.py', '# fastapi async N+1 line'), [[14, 2, 7, 'GET /squares/{n}']]);
    // A middleware's statement before the router matched keeps the path's name; the endpoint's after it take the route's.
    assert.deepEqual(siteUnits(r.json, 'fastapi_app.py', '# fastapi middleware line'), [[6, 6, 1, 'GET /ping/:id']]);
    assert.deepEqual(siteUnits(r.json, 'fastapi_app.py', '# fastapi ping line'), [[6, 6, 1, 'GET /ping/{n}']]);
    assert.deepEqual(siteUnits(r.json, 'fastapi_app.py', '# starlette line'), [[2, 2, 1, 'GET /plain/{n}']]);
    // A raw ASGI app (no framework) on uvicorn: each request is a unit, named by its path with ids as :id.
    assert.deepEqual(siteUnits(r.json, 'fastapi_app.py', '# raw asgi line'), [[6, 6, 1, 'GET /raw/:id']]);
  });

  it('psycopg 3 and asyncpg: each loop at its line, placeholders as the server sees them, the handled error recorded and re-raised to the app', async function () {
    const missing = has(['psycopg', 'asyncpg']);
    if (missing) return skip(this, missing);
    const r = await record('drivers_app.py', t.url);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.json.nPlusOne.map((n: any) => [n.line, n.calls]).sort(), [[lineOf('drivers_app.py', '# asyncpg line'), 6], [lineOf('drivers_app.py', '# psycopg line'), 6]].sort());
    assert.ok(r.json.nPlusOne.some((n: any) => n.sql === 'SELECT $1::int * 2'), JSON.stringify(r.json.nPlusOne));
    assert.equal(r.json.errors, 1, 'the failed statement is recorded (the app handles it: see the next test)');
  });

  it('with its listener gone, the script prints and handles its error exactly as without capture', function () {
    const missing = has(['psycopg', 'asyncpg']);
    if (missing) return skip(this, missing);
    const pyPath = path.join(root, 'dist', 'python');
    const base = { ...process.env, DATABASE_URL: t.url };
    const plain = spawnSync(python, [path.join(fixtures, 'drivers_app.py')], { cwd: root, env: base, encoding: 'utf8' });
    const gone = spawnSync(python, [path.join(fixtures, 'drivers_app.py')], { cwd: root, env: { ...base, PYTHONPATH: pyPath, PGLENS_CAPTURE_SOCKET: '/tmp/pg-lens-no-listener.sock' }, encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(gone.status, 0, gone.stderr);
    assert.equal(gone.stdout, plain.stdout);
    assert.equal(gone.stderr, plain.stderr);
  });
});
