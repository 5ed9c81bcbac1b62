/**
 * The scan over application code with the real extractor: findings land on the right place in the
 * file, fixes edit the string literal in place, suppressions and severity settings apply, and other
 * analyzers plug in.
 */
import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/findings';
import { analyzeFile, functionAnalyzer, reachesLevel, rulesAnalyzer, scanFiles, scanSummaryLine } from '../../../src/core/scan';
import { parseOne } from '../../../src/core/sql/parse';
import { nPlusOneAnalyzer } from '../../../src/core/nplusone/analyzer';
import { CROSS_FILE_REPO, CROSS_FILE_SERVICE } from '../support/nplusoneFixtures';
import { treeSitterParseCount } from '../../../src/core/syntax/treeSitter';

const APP = [
  "import { db } from './db';",
  'export async function hasOrders(userId: number) {',
  "  const { rows } = await db.query('SELECT count(*) > 0 AS has FROM orders WHERE user_id = $1', [userId]);",
  '  return rows[0].has;',
  '}',
  'export async function all() {',
  '  // pg-lens-ignore unbounded-query: admin export, streamed',
  "  return db.query('INSERT INTO orders_archive SELECT * FROM orders');",
  '}',
  '',
].join('\n');

function apply(text: string, f: Finding): string {
  const edits = [...f.fixes[0].edits].sort((a, b) => b.span.start - a.span.start);
  for (const e of edits) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return text;
}

describe('core/scan over application code', () => {

  it('parses each file once: extraction, the rules and N+1 detection share one tree-sitter tree', async () => {
    const loop = APP + 'export async function each(ids: number[]) {\n  for (const id of ids) await db.query(\'SELECT id FROM orders WHERE id = $1\', [id]);\n}\n';
    await analyzeFile({ path: 'warm.ts', text: loop }, { analyzers: [rulesAnalyzer(), nPlusOneAnalyzer()] });
    const before = treeSitterParseCount();
    const r = await analyzeFile({ path: 'src/loop.ts', text: loop }, { analyzers: [rulesAnalyzer(), nPlusOneAnalyzer()] });
    assert.equal(treeSitterParseCount() - before, 1);
    assert.ok(r.findings.some((f) => f.ruleId === 'n-plus-one'), 'N+1 found on the shared tree');
    assert.equal(r.sites.length, 3);
    // A file with ORM calls but no SQL keyword: extraction skips parsing, N+1 parses once.
    const orm = 'export async function f(ids: number[]) {\n  for (const id of ids) await prisma.user.findUnique({ where: { id } });\n}\n';
    const b2 = treeSitterParseCount();
    const r2 = await analyzeFile({ path: 'src/orm.ts', text: orm }, { analyzers: [rulesAnalyzer(), nPlusOneAnalyzer()] });
    assert.equal(treeSitterParseCount() - b2, 1);
    assert.deepEqual(r2.findings.map((f) => f.ruleId), ['n-plus-one']);
  });

  it('reports on the SQL inside the call, with fixes that edit the string literal', async () => {
    const r = await analyzeFile({ path: 'src/orders.ts', text: APP }, { analyzers: [rulesAnalyzer()] });
    assert.equal(r.sites.length, 2);
    const ids = r.findings.map((f) => f.ruleId);
    assert.deepEqual(ids, ['count-for-existence', 'select-star']);
    const c = r.findings[0];
    assert.equal(APP.slice(c.span.start, c.span.end), 'count(*) > 0');
    const fixed = apply(APP, c);
    const line = fixed.split('\n')[2];
    assert.equal(line, "  const { rows } = await db.query('SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1) AS has', [userId]);");
    assert.ok(parseOne('SELECT EXISTS (SELECT 1 FROM orders WHERE user_id = $1) AS has'));
    assert.equal(r.findings[1].file, 'src/orders.ts');
  });

  it('honours suppression comments and severity settings', async () => {
    const r = await analyzeFile({ path: 'src/orders.ts', text: APP }, { analyzers: [rulesAnalyzer()], severity: { 'select-star': 'off', 'count-for-existence': 'error' } });
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['count-for-existence', 'error']]);
    assert.ok(reachesLevel(r.findings, 'error'));
  });

  it('plugs in other analyzers (e.g. N+1 detection) and keeps going when one fails', async () => {
    const nplus = functionAnalyzer('n-plus-one', [{ id: 'n-plus-one', defaultSeverity: 'warning', description: 'd' }], (text, _lang, file, sites) =>
      sites.map((s) => ({ ruleId: 'n-plus-one', severity: 'warning' as const, message: `site in ${file} (${text.length})`, span: s.span, fixes: [] })),
    );
    const broken = functionAnalyzer('broken', [], () => {
      throw new Error('boom\nstack');
    });
    const errors: string[] = [];
    const result = await scanFiles([{ path: 'a.ts', text: APP }, { path: 'b.sql', text: 'DELETE FROM t;\n' }], { analyzers: [rulesAnalyzer(), nplus, broken], onError: (f, m) => errors.push(`${f}: ${m}`) });
    assert.equal(result.files, 2);
    assert.equal(result.sites, 3);
    assert.equal(result.findings.filter((f) => f.ruleId === 'n-plus-one').length, 3);
    assert.ok(result.findings.some((f) => f.ruleId === 'update-delete-without-where' && f.file === 'b.sql'));
    assert.deepEqual(errors, ['a.ts: broken: boom', 'b.sql: broken: boom']);
    assert.ok(result.rules.some((r) => r.id === 'n-plus-one'));
    assert.equal(result.lines, 10, '9 lines + 1 line');
  });

  it('an UPDATE without WHERE of a table the same file empties and refills with one row is a note (rules-m: Nominatim\'s import_status)', async () => {
    const status = [
      'def set_status(conn, date, seq, indexed):',
      '    with conn.cursor() as cur:',
      '        if date is None:',
      '            cur.execute("UPDATE import_status set sequence_id = %s, indexed = %s", (seq, indexed))',
      '        else:',
      '            cur.execute("TRUNCATE TABLE import_status")',
      '            cur.execute("""INSERT INTO import_status (lastimportdate, sequence_id, indexed)',
      '                           VALUES (%s, %s, %s)""", (date, seq, indexed))',
      '',
    ].join('\n');
    const one = (await scanFiles([{ path: 'db/status.py', text: status }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where');
    assert.equal(one?.severity, 'info');
    assert.match(one?.message ?? '', /empties import_status and inserts one row/);
    // A table refilled with many rows (or never emptied) keeps the warning.
    const many = status.replace('VALUES (%s, %s, %s)', 'VALUES (%s, %s, %s), (%s, %s, %s)');
    assert.equal((await scanFiles([{ path: 'db/status.py', text: many }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where')?.severity, 'warning');
    const kept = status.replace('TRUNCATE TABLE import_status', 'VACUUM import_status');
    assert.equal((await scanFiles([{ path: 'db/status.py', text: kept }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where')?.severity, 'warning');
  });

  it('an UPDATE without WHERE of a table the same file reads as one row (a SELECT with no WHERE taken by fetchone) is a note (rules-p: OpenReplay\'s tenants)', async () => {
    const scope = [
      'def get_scope(tenant_id) -> int:',
      '    with pg_client.PostgresClient() as cur:',
      '        query = cur.mogrify(f"""SELECT scope_state',
      '                                FROM public.tenants;""")',
      '        cur.execute(query)',
      '        return cur.fetchone()["scope_state"]',
      '',
      'def update_scope(tenant_id, scope: int):',
      '    with pg_client.PostgresClient() as cur:',
      '        query = cur.mogrify(f"""UPDATE public.tenants',
      '                                SET scope_state = %(scope_state)s;""",',
      '                            {"scope_state": scope})',
      '        cur.execute(query)',
      '',
    ].join('\n');
    const one = (await scanFiles([{ path: 'api/core/scope.py', text: scope }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where');
    assert.equal(one?.severity, 'info', JSON.stringify(one));
    assert.match(one?.message ?? '', /reads tenants as one row/);
    // Rows read as a list (fetchall), or one row picked by a WHERE, say nothing of the table's size: the warning stays.
    // An aggregate is one row whatever the table holds.
    for (const other of [scope.replace('cur.fetchone()["scope_state"]', 'cur.fetchall()'), scope.replace('FROM public.tenants;', 'FROM public.tenants WHERE tenant_id = %(t)s;'), scope.replace('SELECT scope_state', 'SELECT count(*) AS scope_state')]) {
      assert.equal((await scanFiles([{ path: 'api/core/scope.py', text: other }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where')?.severity, 'warning');
    }
  });

  it('an UPDATE without WHERE of a table the file compares with as a scalar subquery (> (SELECT col FROM t)) is a note: the subquery fails on a second row (rules-i: Synapse\'s stream position)', async () => {
    const py = [
      'def _get_actions(txn, user_id):',
      '    txn.execute("SELECT event_id FROM push_actions WHERE user_id = ? AND stream_ordering > (SELECT stream_ordering FROM push_summary_position)", (user_id,))',
      '    return txn.fetchall()',
      '',
      'def _rotate(txn, to):',
      '    txn.execute("UPDATE push_summary_position SET stream_ordering = ?", (to,))',
      '',
    ].join('\n');
    const one = (await scanFiles([{ path: 'synapse/storage/push.py', text: py }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where');
    assert.equal(one?.severity, 'info', JSON.stringify(one));
    const listed = py.replace('stream_ordering > (SELECT', 'stream_ordering IN (SELECT');
    assert.equal((await scanFiles([{ path: 'synapse/storage/push.py', text: listed }], { analyzers: [rulesAnalyzer()] })).findings.find((f) => f.ruleId === 'update-delete-without-where')?.severity, 'warning');
  });

  it('stops when cancelled', async () => {
    let n = 0;
    const files = Array.from({ length: 10 }, (_, i) => ({ path: `f${i}.sql`, text: 'SELECT 1;' }));
    const r = await scanFiles(files, { analyzers: [rulesAnalyzer()], isCancelled: () => n >= 3, onFile: () => n++ });
    assert.equal(r.cancelled, true);
    assert.equal(r.files, 3);
  });
});

describe('scanSummaryLine', () => {
  it('counts as the Problems panel does: hints are named apart, never as infos "in the Problems panel" (umami: "12 infos" the panel did not list)', () => {
    const line = scanSummaryLine({ cancelled: false, files: 871, seconds: 13.04, counts: { error: 0, warning: 1, info: 0, hint: 12 }, withDb: true });
    assert.equal(line, 'Scanned 871 files in 13.0 s: 0 errors, 1 warning, 0 infos in the Problems panel; 12 hints (faded text in the editor, not listed there).');
    assert.equal(scanSummaryLine({ cancelled: true, files: 1, seconds: 0.2, counts: { error: 1, warning: 0, info: 2, hint: 0 }, withDb: false }),
      'Scan cancelled after 1 file in 0.2 s: 1 error, 0 warnings, 2 infos in the Problems panel (no database: static rules only).');
  });
});

describe('core/scan onRevised: what the whole-scan passes add reaches a per-file caller', () => {
  // The editor's Scan Workspace shows each file's findings as it is read (onFile). A finding that needs every
  // file (here: a loop in service.py calling a repository method of another file that queries) only exists
  // once all are read; without onRevised the editor never showed it while `pg-lens scan` reported it.
  it('gives the final findings of each file the end passes changed, and only those', async () => {
    const perFile = new Map<string, Finding[]>();
    const revised: { file: string; findings: Finding[] }[] = [];
    const result = await scanFiles(
      [{ path: 'app/repository.py', text: CROSS_FILE_REPO }, { path: 'app/service.py', text: CROSS_FILE_SERVICE }, { path: 'app/other.py', text: 'x = 1\n' }],
      { analyzers: [nPlusOneAnalyzer()], onFile: ({ file, findings }) => perFile.set(file, findings), onRevised: (r) => revised.push(r) },
    );
    const crossFile = result.findings.filter((f) => /reaches the database/.test(f.message));
    assert.equal(crossFile.length, 1, JSON.stringify(result.findings.map((f) => f.message)));
    assert.equal(perFile.get('app/service.py')?.some((f) => /reaches the database/.test(f.message)), false, 'the per-file pass cannot know it');
    assert.deepEqual(revised.map((r) => r.file), ['app/service.py']);
    assert.deepEqual(revised[0].findings.map((f) => f.message), result.findings.filter((f) => f.file === 'app/service.py').map((f) => f.message));
  });
});
