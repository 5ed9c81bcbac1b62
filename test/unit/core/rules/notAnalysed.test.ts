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
import { parserCoverage } from '../../../realworld/parsers/coverage';

describe('core/rules: not-analysed', function () {
  this.timeout(60_000);
  before(() => loadPgParser());

  it('says so, with the reason, when PostgreSQL accepts what the rule parser cannot read', () => {
    const [site] = sqlFileSites("SELECT id FROM t WHERE note = E'it\\'s';\n", 'q.sql');
    const findings = checkSite(site, RULES);
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity]), [[NOT_ANALYSED, 'hint']]);
    assert.match(findings[0].message, /no query rule or index advice ran on it \(.+\)/);
  });

  it("cuts the rule parser's reason before its 'Instead, I was expecting to see one of the following:' list (person29 L3: the shop's schema.sql:21)", () => {
    const schema = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'examples', 'shop', 'schema.sql'), 'utf8');
    const hints = sqlFileSites(schema, 'schema.sql').flatMap((s) => checkSite(s, RULES)).filter((f) => f.ruleId === NOT_ANALYSED);
    assert.ok(hints.length > 0, 'the shop schema has a statement the rule parser cannot read');
    for (const h of hints) {
      assert.doesNotMatch(h.message, /Instead, I was expecting|following:?\)/, h.message);
      assert.match(h.message, /\(Syntax error at line \d+ col \d+: .+\)\.$/, h.message);
    }
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
    assert.equal(r.analysed + r.reported, r.valid, JSON.stringify(r.notAnalysed, null, 1));
  });
});
