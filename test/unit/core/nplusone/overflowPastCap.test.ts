/**
 * A loop over what a list holds past a configured cap (issue 14, n1-22, hanko's session limit): the overflow trimmed as
 * each new item comes — one or two per call — is a possible N+1 (info) with its reason; the same loop from 0, or from a
 * number, stays a warning. Synthetic fixtures, not copied from an app.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne } from '../../support/nplusoneFixtures';

const go = (start: string) => ['package handler', '', 'import "database/sql"', '', 'func trim(db *sql.DB, sessions []Session, limit int) error {', '\tif len(sessions) >= limit {', `\t\tfor i := ${start}; i < len(sessions); i++ {`, '\t\t\tif _, err := db.Exec("DELETE FROM sessions WHERE id = $1", sessions[i].ID); err != nil {', '\t\t\t\treturn err', '\t\t\t}', '\t\t}', '\t}', '\treturn nil', '}', ''].join('\n');

describe('N+1: the overflow of a list past its cap (trimmed per new item)', () => {
  it('Go: a counter from the configured limit to the list\'s length — info, the cap named', async () => {
    const [f] = await scanNPlusOne([{ path: 'handler/session.go', text: go('cfg.Session.Limit - 1') }]);
    assert.equal(f?.severity, 'info');
    assert.match(f.message, /^Possible N\+1, the overflow of a list past its cap \(`cfg\.Session\.Limit - 1`\)/);
  });

  it('Go: the same loop from 0 or from a number stays a warning', async () => {
    assert.equal((await scanNPlusOne([{ path: 'handler/session.go', text: go('0') }]))[0]?.severity, 'warning');
    assert.equal((await scanNPlusOne([{ path: 'handler/session.go', text: go('start') }]))[0]?.severity, 'warning');
  });

  it('Python and TypeScript: a slice from the cap', async () => {
    const py = ['from django.db import connection', '', 'def trim(sessions, max_sessions):', '    for s in sessions[max_sessions:]:', '        with connection.cursor() as cur:', '            cur.execute("DELETE FROM sessions WHERE id = %s", [s.id])', ''].join('\n');
    const [p] = await scanNPlusOne([{ path: 'app/sessions.py', text: py }]);
    assert.equal(p?.severity, 'info', JSON.stringify(p?.message));
    const ts = ['import { Pool } from "pg";', 'const pool = new Pool();', 'export async function trim(rows: { id: number }[], keep: number) {', '  for (const r of rows.slice(keep)) {', '    await pool.query("DELETE FROM sessions WHERE id = $1", [r.id]);', '  }', '}', ''].join('\n');
    const [t] = await scanNPlusOne([{ path: 'src/sessions.ts', text: ts }]);
    assert.equal(t?.severity, 'info', JSON.stringify(t?.message));
    const all = ts.replace('rows.slice(keep)', 'rows.slice(1)');
    assert.equal((await scanNPlusOne([{ path: 'src/sessions.ts', text: all }]))[0]?.severity, 'warning');
  });
});
