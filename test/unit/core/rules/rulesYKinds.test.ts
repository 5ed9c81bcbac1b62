/**
 * Kinds of mistakes of the SQL rules seen on issue 14's rules splits and fixed in session 38 (rulesy), each fixed as a
 * kind and checked on our own fixture code: an expression beside a lookup by a set of values (rules-x), `?` parameters
 * PostgreSQL's grammar reads as an operator (rules-x), a native Spring Data query into an entity named for the table after a qualifier (rules-k).
 */
import { strict as assert } from 'node:assert';
import { analyzeFile, rulesAnalyzer } from '../../../../src/core/scan';
import { nonSargablePredicate } from '../../../../src/core/rules/nonSargablePredicate';
import { leadingWildcardLike } from '../../../../src/core/rules/leadingWildcardLike';
import { selectStar } from '../../../../src/core/rules/selectStar';
import { extractSqlSites } from '../../../../src/core/extract';
import { declared } from './helpers';

describe('rules-y kinds: an expression beside a lookup by a set of values', () => {
  const SCHEMA = [
    'CREATE TABLE segments (id bigserial PRIMARY KEY, video_id text NOT NULL, category text NOT NULL, description text NOT NULL, votes int NOT NULL);',
    'CREATE INDEX segments_video_category ON segments (video_id, category);',
    'CREATE INDEX segments_description ON segments (description);',
    'CREATE TABLE videos (video_id text PRIMARY KEY, channel_id text NOT NULL);',
  ].join('\n');
  const ts = (sql: string) => ['export async function names(db, channel, text) {', `  return db.query(\`${sql}\`, [channel, text]);`, '}', ''].join('\n');
  async function findings(sql: string) {
    const r = await analyzeFile({ path: 'src/routes/names.ts', text: ts(sql) }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate, leadingWildcardLike], declared: declared(SCHEMA) })] });
    return r.findings.filter((f) => f.ruleId !== 'not-analysed');
  }

  it('`video_id IN (SELECT video_id FROM videos WHERE channel_id = $1) AND similarity(description, $2) >= 0.1`: a note that the index on video_id finds the rows', async () => {
    const [f] = await findings('SELECT description FROM segments WHERE video_id IN (SELECT video_id FROM videos WHERE channel_id = $1) AND similarity(description, $2) >= 0.1');
    assert.equal(f.ruleId, 'non-sargable-predicate');
    assert.equal(f.severity, 'info');
    assert.equal(f.evidence?.lookupBy, 'video_id');
    assert.match(f.message, /looks them up by a set of video_id values \(IN or = ANY\), and an index of the schema files leads with video_id/);
  });

  it('`video_id = ANY($1)` and `video_id IN ($1, $2)` are lookups by a set too', async () => {
    const [any] = await findings('SELECT description FROM segments WHERE video_id = ANY($1) AND lower(description) = $2');
    assert.equal(any.severity, 'info');
    const [list] = await findings('SELECT description FROM segments WHERE video_id IN ($1, $2) AND lower(description) = $3');
    assert.equal(list.severity, 'info');
  });

  it('a set over a column no index leads with, or an IN inside an OR, leaves the warning', async () => {
    const [votes] = await findings('SELECT description FROM segments WHERE votes IN (SELECT 1) AND lower(description) = $1');
    assert.equal(votes.severity, 'warning');
    const [or] = await findings('SELECT description FROM segments WHERE (video_id IN (SELECT video_id FROM videos WHERE channel_id = $1) OR votes > 0) AND lower(description) = $2');
    assert.equal(or.severity, 'warning');
  });
});

describe('rules-y kinds: index keys as pgAdmin writes them', () => {
  it('`("videoID" COLLATE pg_catalog."default" ASC NULLS LAST, "category" …)` leads with videoID: the IN lookup finds the rows', async () => {
    const SCHEMA = [
      'CREATE TABLE public."sponsorTimes" ("videoID" text NOT NULL, category text NOT NULL, description text NOT NULL, "UUID" text NOT NULL UNIQUE);',
      'CREATE INDEX IF NOT EXISTS "sponsorTimes_videoID_category"',
      '    ON public."sponsorTimes" USING btree',
      '    ("videoID" COLLATE pg_catalog."default" ASC NULLS LAST, "category" COLLATE pg_catalog."default" ASC NULLS LAST)',
      '    TABLESPACE pg_default;',
      'CREATE TABLE "videoInfo" ("videoID" text PRIMARY KEY, "channelID" text NOT NULL);',
    ].join('\n');
    const text = ['export async function names(db, channel, text) {', '  return db.query(`SELECT "description" FROM "sponsorTimes" WHERE "videoID" IN (SELECT "videoID" FROM "videoInfo" WHERE "channelID" = $1) AND similarity("description", $2) >= 0.1`, [channel, text]);', '}', ''].join('\n');
    const r = await analyzeFile({ path: 'src/routes/getChapterNames.ts', text }, { analyzers: [rulesAnalyzer({ rules: [nonSargablePredicate], declared: declared(SCHEMA) })] });
    const [f] = r.findings.filter((x) => x.ruleId === 'non-sargable-predicate');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /a set of videoID values/);
  });
});

describe("rules-y kinds: `?` parameters PostgreSQL's grammar reads another way", () => {
  it('`"userName" LIKE ? ESCAPE \'\\\\\'` (a prefix `?` operator to PostgreSQL, unreadable to the rules) is read with $1', async () => {
    const text = ['export function find(db, userName) {', '  return db.prepare("all", `SELECT "userName", "userID" FROM "userNames" WHERE "userName"', "        LIKE ? ESCAPE '\\\\' LIMIT 10`, [userName]);", '}', ''].join('\n');
    const sites = await extractSqlSites(text, 'src/routes/getUserID.ts', 'src/routes/getUserID.ts');
    assert.equal(sites.length, 1);
    assert.match(sites[0].sql, /LIKE \$1 ESCAPE/);
    const r = await analyzeFile({ path: 'src/routes/getUserID.ts', text }, { analyzers: [rulesAnalyzer({})] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'not-analysed'), []);
  });

  it("a pattern with a leading wildcard and an ESCAPE clause is judged (the rules' parser reads it without the clause)", async () => {
    const text = ['export function find(db, userName) {', "  return db.query(`SELECT \"userID\" FROM \"userNames\" WHERE \"userName\" LIKE '%' || $1 || '%' ESCAPE '\\\\' LIMIT 10`, [userName]);", '}', ''].join('\n');
    const r = await analyzeFile({ path: 'src/routes/find.ts', text }, { analyzers: [rulesAnalyzer({ rules: [leadingWildcardLike] })] });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'not-analysed'), []);
    assert.equal(r.findings.filter((f) => f.ruleId === 'leading-wildcard-like').length, 1);
  });

  it("jsonb's `?` beside a real parameter stays as written (the $n reading does not parse)", async () => {
    const text = ['export function get(db, id) {', "  return db.query(`SELECT id FROM docs WHERE data ? 'title' AND id = $1`, [id]);", '}', ''].join('\n');
    const sites = await extractSqlSites(text, 'src/docs.ts', 'src/docs.ts');
    assert.equal(sites.length, 1);
    assert.match(sites[0].sql, /data \? 'title'/);
  });
});

describe('rules-y kinds: a native Spring Data query into an entity named for the table after a qualifier', () => {
  const SCHEMA = 'CREATE TABLE ts_kv (entity_id uuid NOT NULL, key int NOT NULL, ts bigint NOT NULL, bool_v boolean, str_v varchar(10000000), long_v bigint, dbl_v double precision, json_v json, PRIMARY KEY (entity_id, key, ts));';
  const java = (ret: string) =>
    [
      'package org.example.dao;',
      '',
      'public interface TsKvTimescaleRepository extends JpaRepository<TimescaleTsKvEntity, TimescaleTsKvCompositeKey> {',
      '',
      '    @Query(value = "SELECT * FROM ts_kv WHERE entity_id = :entityId " +',
      '            "AND key = :entityKey AND ts >= :startTs AND ts < :endTs", nativeQuery = true)',
      `    ${ret} findAllWithLimit(@Param("entityId") UUID entityId, @Param("entityKey") int key, @Param("startTs") long startTs, @Param("endTs") long endTs, Pageable pageable);`,
      '}',
      '',
    ].join('\n');
  async function findings(ret: string) {
    const r = await analyzeFile({ path: 'dao/src/main/java/org/example/dao/TsKvTimescaleRepository.java', text: java(ret) }, { analyzers: [rulesAnalyzer({ rules: [selectStar], declared: declared(SCHEMA) })] });
    return r.findings.filter((f) => f.ruleId === 'select-star');
  }

  it('`List<TimescaleTsKvEntity>` for ts_kv (the Timescale variant of the mapping): the entity maps every column, no finding', async () => {
    assert.deepEqual(await findings('List<TimescaleTsKvEntity>'), []);
  });

  it('an entity named for another table, or for the table with a word after it (a projection), is still judged', async () => {
    assert.equal((await findings('List<TsValueProjection>')).length, 1);
    assert.equal((await findings('List<TsKvInfoEntity>')).length, 1);
  });
});
