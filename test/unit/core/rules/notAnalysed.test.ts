/**
 * No statement silently skipped: SQL that PostgreSQL accepts but the rule parser cannot read gets a
 * not-analysed hint with the reason; SQL PostgreSQL rejects too gets one saying that (issue 14: never dropped
 * without a word; built at run time when a piece spliced in is the cause); over the project's
 * fixtures and examples every PostgreSQL-valid statement is analysed or says it was not.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sqlFileSites } from '../../../../src/core/extract/index';
import { checkSite, NOT_ANALYSED } from '../../../../src/core/rules/engine';
import { RULES } from '../../../../src/core/rules/index';
import { loadPgParser } from '../../../../src/core/sql/statement';
import { parseSql } from '../../../../src/core/sql/parse';
import { parserCoverage } from '../../../realworld/parsers/coverage';

describe('core/rules: not-analysed', function () {
  this.timeout(60_000);
  before(() => loadPgParser());

  it('says so, with the reason, when PostgreSQL accepts what the rule parser cannot read', () => {
    const [site] = sqlFileSites("SELECT id FROM t WHERE note = E'it\\'s';\n", 'q.sql');
    const findings = checkSite(site, RULES);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity]), [[NOT_ANALYSED, 'hint']]);
    assert.match(findings[0].message, /^PostgreSQL accepts this statement, but PG Lens's rule parser could not read it \(.+\), so no query rule or index advice ran on it\. Nothing is wrong with the SQL\.$/);
  });

  it("no hint on schema DDL the rule parser cannot read — no query rule judges it — and the shop's schema.sql has none (person38 L9: \"Unexpected lparen\" on its CREATE TABLE with a generated column)", () => {
    const schema = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'examples', 'shop', 'schema.sql'), 'utf8');
    const sites = sqlFileSites(schema, 'schema.sql');
    const products = sites.find((s) => /CREATE TABLE products/.test(s.sql))!;
    assert.ok(products && !parseSql(products.sql).ok, 'the rule parser still cannot read the generated column: the test tests something');
    assert.deepEqual(sites.flatMap((s) => checkSite(s, RULES)).filter((f) => f.ruleId === NOT_ANALYSED).map((f) => f.message), []);
    // A query it cannot read is still said, where the parser stopped in the statement's words — not "Syntax error".
    const [view] = sqlFileSites('CREATE VIEW v AS SELECT a, count(*) FROM t GROUP BY GROUPING SETS ((a), ());\n', 'v.sql');
    const [hint] = checkSite(view, RULES);
    assert.equal(hint?.ruleId, NOT_ANALYSED);
    assert.match(hint.message, /\(it stopped at "\(" on line 1, column 67 of the statement\)/, hint.message);
    assert.doesNotMatch(hint.message, /Syntax error|Instead, I was expecting|following:?\)/, hint.message);
  });

  it('says PostgreSQL cannot parse SQL it rejects as well (a hint), and stays quiet on SQL the rules read', () => {
    const [broken] = sqlFileSites('SELECT FROM WHERE;\n', 'q.sql');
    assert.deepEqual(checkSite(broken, RULES).map((f) => [f.ruleId, f.severity, f.evidence?.runTime]), [[NOT_ANALYSED, 'hint', false]]);
    assert.match(checkSite(broken, RULES)[0].message, /PostgreSQL cannot parse it \(syntax error at or near "WHERE"\)/);
    const [fine] = sqlFileSites('SELECT id FROM t WHERE id = $1;\n', 'q.sql');
    assert.ok(!checkSite(fine, RULES).some((f) => f.ruleId === NOT_ANALYSED));
  });

  it('over the fixtures and examples, every PostgreSQL-valid statement is analysed or reported', async () => {
    const root = path.join(__dirname, '..', '..', '..', '..');
    const r = await parserCoverage([path.join(root, 'test', 'fixtures'), path.join(root, 'examples')]);
    assert.ok(r.valid > 100, `${r.valid} statements`);
    assert.equal(r.analysed + r.reported + r.noQuery, r.valid, JSON.stringify(r.notAnalysed, null, 1));
  });
});
