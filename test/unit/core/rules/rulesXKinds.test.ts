/**
 * Kinds of mistakes of the SQL rules seen on issue 14's split rules-x (session 37: RoboDanny in Python on asyncpg,
 * SponsorBlockServer in TypeScript on its own pg wrapper, matrix-appservice-slack in TypeScript on pg-promise), each
 * fixed as a kind and checked on our own fixture code.
 */
import { strict as assert } from 'node:assert';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { unboundedQuery } from '../../../../src/core/rules/unboundedQuery';
import { codeContextOf } from '../../../../src/core/codeContext';
import { extractSqlSites } from '../../../../src/core/extract';
import { declared } from './helpers';

describe('rules-x kinds: schema upgrades named by a version number', () => {
  it('`databases/_upgrade_sponsorTimes_23.sql` and `src/datastore/postgres/schema/v11.ts` are migrations', () => {
    assert.equal(codeContextOf('databases/_upgrade_sponsorTimes_23.sql'), 'migration');
    assert.equal(codeContextOf('databases/_upgrade_private_4.sql'), 'migration');
    assert.equal(codeContextOf('src/datastore/postgres/schema/v11.ts', 'export const runSchema = async (db) => {\n  await db.none(`UPDATE metrics SET d = d + 1`);\n};\n'), 'migration');
    assert.equal(codeContextOf('src/datastore/postgres/schema/v1.js'), 'migration');
  });

  it('the schema file itself, an upgrade-free name and a schema module that is not versioned stay request code', () => {
    assert.equal(codeContextOf('databases/_sponsorTimes.db.sql'), 'request');
    assert.equal(codeContextOf('src/routes/upgradePlan.ts'), 'request');
    assert.equal(codeContextOf('src/datastore/postgres/schema/index.ts'), 'request');
    assert.equal(codeContextOf('src/schema/validators.ts'), 'request');
  });
});

describe('rules-x kinds: a row read by a column name computed at run time', () => {
  const SCHEMA = 'CREATE TABLE profiles (id bigint PRIMARY KEY, nnid text, squad text, fc_3ds text, fc_switch text, extra jsonb DEFAULT (\'{}\'::jsonb));';
  const py = (reads: string[]) =>
    [
      'class Profile:',
      '    async def show(self, ctx, member):',
      '        query = """SELECT * FROM profiles WHERE id=$1;"""',
      '        record = await ctx.db.fetchrow(query, member.id)',
      '        if record is None:',
      '            return',
      ...reads.map((r) => `        ${r}`),
      '',
    ].join('\n');
  async function findings(reads: string[]) {
    const r = await analyzeFile({ path: 'cogs/profile.py', text: py(reads) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(SCHEMA) })] });
    return r.findings.filter((f) => f.ruleId === 'select-star');
  }

  it('`for key, value in keys.items(): e.add_field(name=value, value=record[key])` may read any column: no subset, no finding', async () => {
    const fs = await findings([
      "keys = {'fc_switch': 'Switch FC', 'nnid': 'Wii U NNID', 'fc_3ds': '3DS FC'}",
      'for key, value in keys.items():',
      '    e.add_field(name=value, value=record[key])',
      "extra = record['extra'] or {}",
      "e.add_field(name='Squad', value=record['squad'])",
    ]);
    assert.deepEqual(fs, []);
  });

  it('the same row read by literal names only (and a list of rows indexed by position) is still a subset', async () => {
    const fs = await findings(["extra = record['extra'] or {}", "e.add_field(name='Squad', value=record['squad'])", 'x = record[0] if i else None']);
    assert.equal(fs.length, 1);
    assert.match(fs[0].message, /reads 3 of its 6 columns/);
  });
});

describe('rules-x kinds: an aggregate inside an expression returns one row', () => {
  async function unbounded(sql: string) {
    const text = `async function f(db) {\n  return db.query(\`${sql}\`);\n}\n`;
    const r = await analyzeFile({ path: 'src/stats.ts', text }, { analyzers: [rulesAnalyzer({ rules: [unboundedQuery] })] });
    return r.findings.filter((f) => f.ruleId === 'unbounded-query');
  }

  it('`SELECT COALESCE(SUM(total), 0) FROM emoji_stats` and the same per group are no unbounded result', async () => {
    assert.deepEqual(await unbounded('SELECT COALESCE(SUM(total), 0) FROM emoji_stats'), []);
    assert.deepEqual(await unbounded('SELECT guild_id, COALESCE(SUM(total), 0) AS n FROM emoji_stats GROUP BY guild_id'), []);
  });

  it('a window function keeps every row, and a plain column list is still unbounded', async () => {
    assert.equal((await unbounded('SELECT id, count(*) OVER () FROM emoji_stats')).length, 1);
    assert.equal((await unbounded('SELECT COALESCE(SUM(total) OVER (), 0) FROM emoji_stats')).length, 1);
    assert.equal((await unbounded('SELECT id, total FROM emoji_stats')).length, 1);
  });
});

describe('rules-x kinds: a row handed on whole far down a long function', () => {
  const SCHEMA = 'CREATE TABLE segments (uuid text PRIMARY KEY, video_id text NOT NULL, user_id text NOT NULL, votes int NOT NULL, description text, raw jsonb);';
  const ts = (handOn: string) =>
    [
      'export async function vote(db, uuid: string) {',
      '  const segmentInfo = await db.prepare("get", `SELECT * FROM segments WHERE uuid = $1`, [uuid]);',
      '  if (!segmentInfo) return 404;',
      '  const own = segmentInfo.user_id === me;',
      '  const locked = await isLocked(segmentInfo.video_id);',
      // a long body between: the usual window ends before the row is handed on
      ...Array.from({ length: 60 }, (_, i) => `  await step${i}(own, locked, "some other work done by the handler, line ${i}");`),
      `  ${handOn}`,
      '  return 200;',
      '}',
      '',
    ].join('\n');
  async function findings(handOn: string) {
    const r = await analyzeFile({ path: 'src/routes/vote.ts', text: ts(handOn) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(SCHEMA) })] });
    return r.findings.filter((f) => f.ruleId === 'select-star');
  }

  it('`clearSegmentCache(segmentInfo)` or `{ row: segmentInfo }` 60 lines below: the row leaves whole, no subset', async () => {
    assert.deepEqual(await findings('clearSegmentCache(segmentInfo);'), []);
    assert.deepEqual(await findings('await sendWebhooks({ row: segmentInfo, votes: 1 });'), []);
  });

  it('read by name only, however long the function: still a subset', async () => {
    const fs = await findings('log(segmentInfo.votes);');
    assert.equal(fs.length, 1);
  });
});

describe("rules-x kinds: `?` parameters of a JavaScript app's own database layer", () => {
  it('`db.prepare("get", \'SELECT … WHERE "videoID" = ? AND "service" = ?\', [a, b])` is read with $1, $2', async () => {
    const text = ['export async function get(db, videoID, service) {', '  return db.prepare("get", \'SELECT "UUID" FROM "sponsorTimes" WHERE "videoID" = ? AND "service" = ?\', [videoID, service]);', '}', ''].join('\n');
    const sites = await extractSqlSites(text, 'src/routes/get.ts', 'src/routes/get.ts');
    assert.equal(sites.length, 1);
    assert.match(sites[0].sql, /"videoID" = \$1 AND "service" = \$2/);
    const r = await analyzeFile({ path: 'src/routes/get.ts', text }, { analyzers: [rulesAnalyzer({})] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'not-analysed'), []);
  });

  it("jsonb's own `?` operator in a statement that parses as written stays an operator", async () => {
    const text = ['export async function get(db, id) {', "  return db.query(`SELECT id FROM docs WHERE data ? 'title' AND id = $1`, [id]);", '}', ''].join('\n');
    const sites = await extractSqlSites(text, 'src/docs.ts', 'src/docs.ts');
    assert.equal(sites.length, 1);
    assert.match(sites[0].sql, /data \? 'title' AND id = \$1/);
  });
});
