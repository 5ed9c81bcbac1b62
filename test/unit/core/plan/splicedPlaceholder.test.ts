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
});
