/** The hover's word for a statement that is SQL only at run time (an identifier or SQL piece spliced in where $n stands). */
import * as assert from 'node:assert/strict';
import { splicedPlaceholderReason } from '../../../../src/core/plan/brief';
import { extractSqlSites, prepareExtraction } from '../../../../src/core/extract/index';

describe('core/plan/brief: splicedPlaceholderReason', () => {
  it('a syntax error on a placeholder made of an interpolation names the interpolation, not "syntax error" (logto\'s slonik `from ${table}`)', async () => {
    await prepareExtraction('typescript');
    const text = 'const r = await pool.maybeOne(sql`\n  select ${sql.join(cols, sql`,`)}\n  from ${table}\n  where lower(${fields.username})=lower(${username})\n`);\n';
    const [site] = await extractSqlSites(text, 'typescript', 'user.ts');
    assert.ok(site, 'the slonik statement is a site');
    const at = site.params.find((p) => p.source.includes('table'))!;
    const why = splicedPlaceholderReason(`syntax error at or near "$${at.index}"`, site.params);
    assert.ok(why?.startsWith('the code fills in ${table} at run time where PostgreSQL needs a name or SQL text, not a value'), why);
    assert.equal(splicedPlaceholderReason('relation "users" does not exist', site.params), undefined);
    assert.equal(splicedPlaceholderReason('syntax error at or near "$1"', [{ index: 1, source: '$1' }]), undefined, 'a $1 the code wrote is the code\'s own');
  });

  // person28 L4, a table's name spliced in that reads as a name: Go's `FROM %s` (read as the quoted name "%s") and a
  // template's `FROM ${tbl}` parse, and PostgreSQL then has no such table — said as the code's run-time name, not as
  // "relation does not exist" on a connection that is fine.
  it('a table name the code fills in at run time: "relation does not exist" on it says so (Go `FROM %s`, `FROM ${tbl}`)', async () => {
    await prepareExtraction('go');
    const go = 'package x\n\nfunc mx(db *sql.DB, table string) {\n\tdb.Query(fmt.Sprintf("SELECT max(id) AS n FROM %s", table))\n}\n';
    const [g] = await extractSqlSites(go, 'go', 'a.go');
    assert.ok(g, 'the Sprintf statement is a site');
    assert.equal(splicedPlaceholderReason('relation "%s" does not exist', g.params, g.splicedNames), 'it is built at run time from %s, the table\'s name the code fills in when the app runs. Its other findings still apply.');
    await prepareExtraction('typescript');
    const [t] = await extractSqlSites('export const m = (pool: Pool, tbl: string) => pool.query(`SELECT max(id) AS n FROM ${tbl}`);\n', 'typescript', 'a.ts');
    assert.match(splicedPlaceholderReason('relation "tbl" does not exist', t.params, t.splicedNames) ?? '', /^it is built at run time from \$\{tbl\}, the table's name/);
    assert.equal(splicedPlaceholderReason('relation "orders" does not exist', t.params, t.splicedNames), undefined, 'another table missing is not the spliced one');
  });
});
