/**
 * Kinds of mistakes of the SQL rules seen on issue 14's rules-z split (Langfuse: PostgreSQL through Prisma beside
 * ClickHouse through its own query builder) and fixed as kinds, each checked on our own fixture code: a WHERE fragment
 * written for ClickHouse (`{name: Type}` parameters) read as PostgreSQL's; an app feature kept in a folder named `evals/`
 * taken for a test suite.
 */
import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../../src/core/scan';
import { fragmentNotInAnalyzer } from '../../../../src/core/rules/fragmentNotIn';
import { codeContextOf } from '../../../../src/core/codeContext';

describe('rules-z kinds: a WHERE fragment written for ClickHouse', () => {
  // A query builder for an analytics store: fragments appended with their own `{name: Type}` parameters.
  const builder = (fragment: string) =>
    [
      'export function visitsAfter(builder: ReportBuilder, cursor?: Cursor) {',
      '  if (!cursor) return builder;',
      '  return builder.whereRaw(',
      `    \`${fragment}\`,`,
      '    { siteId: cursor.siteId, since: cursor.since },',
      '  );',
      '}',
      '',
    ].join('\n');
  const notIns = async (text: string) => (await analyzeFile({ path: 'src/reports/visits.ts', text }, { analyzers: [fragmentNotInAnalyzer()] })).findings.map((f) => f.severity);

  it('`v.visitor_id NOT IN (SELECT …)` beside `{siteId: String}`: no not-in-subquery (the NULL trap and anti-join are PostgreSQL\'s)', async () => {
    // Before the fix: a warning (the subquery reads a plain column with no IS NOT NULL).
    assert.deepEqual(await notIns(builder('v.visitor_id NOT IN (SELECT visitor_id FROM bounced WHERE site_id = {siteId: String} AND ts >= {since: DateTime64(3)})')), []);
  });

  it('the same fragment with PostgreSQL parameters is still judged', async () => {
    assert.deepEqual(await notIns(builder('v.visitor_id NOT IN (SELECT visitor_id FROM bounced WHERE site_id = $1)')), ['warning']);
  });
});

describe('rules-z kinds: a feature named evals', () => {
  it('a router of an app feature kept under features/evals/ or modules/evals/ is request code', () => {
    // Before the fix: 'test' (any `evals/` folder was an evaluation suite).
    assert.equal(codeContextOf('web/src/features/evals/server/router.ts'), 'request');
    assert.equal(codeContextOf('web/src/features/evals/v2/server/rules/ruleRepository.ts'), 'request');
    assert.equal(codeContextOf('src/modules/evals/evals.service.ts'), 'request');
  });

  it('an evaluation suite stays test code', () => {
    assert.equal(codeContextOf('backend/evals/run_suite.py'), 'test');
    assert.equal(codeContextOf('apps/webapp/evals/aiQuery.eval.ts'), 'test');
    assert.equal(codeContextOf('web/src/features/evals/server/router.test.ts'), 'test');
  });
});
