/**
 * The hover at a recorded call site leads with what matters (person20 LOW 5, issue 20 item 8): the N+1 and the index
 * advice with its figure first, the plan in one line with a link to the plan viewer, the SQL cut to a few lines — so the
 * lines that matter are inside code-server's ~250 px hover (about 12 lines) without scrolling.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordedHoverMarkdown, sentAsWritten, HOVER_SQL_LINES, type HoverPlan, type RecordedHoverInput } from '../../../../src/core/record/hover';
import { extractSqlSites } from '../../../../src/core/extract/index';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import type { StatementAdvice } from '../../../../src/core/record/format';
import type { StatementFigure } from '../../../../src/core/record/aggregate';

// person20's models.py:105 (22-hover-models-105.png): the favoriters lazy load, 20 per request.
const SQL = 'SELECT userprofile.id AS userprofile_id, userprofile.user_id AS userprofile_user_id FROM userprofile, favoritor_assoc WHERE $1 = favoritor_assoc.favorited_article AND userprofile.id = favoritor_assoc.favoriter';
const statement = (over: Partial<StatementFigure> = {}): StatementFigure => ({ normalized: SQL, sql: SQL, calls: 1031, totalMs: 125736, maxMs: 900, rows: 1031, errors: 0, maxPerUnit: 20, maxUnit: 'GET /api/articles', maxUnitKind: 'request', units: 50, ...over });
const ADVICE: StatementAdvice = {
  costBefore: 4567.71,
  suggestions: [{ ddl: 'CREATE INDEX CONCURRENTLY favoritor_assoc_favorited_article_idx ON favoritor_assoc (favorited_article)', costBefore: 4567.71, costAfter: 41.2, summary: 'Parallel Seq Scan on favoritor_assoc (300k rows): an index on favoritor_assoc (favorited_article) cuts the estimated cost 4,567.71 → 41.2 (proved with HypoPG)', planBefore: [] }],
};
const PLAN: HoverPlan = {
  open: 'command:pgLens.openStatementPlan?x',
  brief: {
    root: 'Gather',
    totalCost: 4567.71,
    estRows: 6,
    analyzed: false,
    costliest: [
      { id: 2, label: 'Parallel Seq Scan on public.favoritor_assoc', share: 0.77, cost: 3533.88 },
      { id: 0, label: 'Gather', share: 0.22, cost: 1000.6 },
      { id: 3, label: 'Index Scan using userprofile_pkey on public.userprofile', share: 0.007, cost: 33.19 },
    ],
    warnings: [{ id: 2, label: 'Parallel Seq Scan on public.favoritor_assoc', grade: 2, message: 'Sequential scan of 300k rows keeps 8 (0.0%) with Filter: …' }],
    tips: [],
  },
};

function input(over: Partial<RecordedHoverInput> = {}): RecordedHoverInput {
  const st = statement();
  return {
    site: { calls: 1031, totalMs: 125736, via: 'sqlalchemy', statements: [st] },
    nPlusOne: { calls: 20, unitKind: 'request', repeated: false },
    advice: (k) => (k === SQL ? ADVICE : undefined),
    plan: (k) => (k === SQL ? PLAN : undefined),
    links: { advice: 'command:pgLens.recordedAdvice?y', fullSql: () => 'command:pgLens.showFullSql?z' },
    ...over,
  };
}

/** The lines the hover renders (a paragraph break is a blank line; a long line wraps at about 90 characters in the box). */
function renderedLines(md: string): string[] {
  const out: string[] = [];
  for (const line of md.split('\n')) {
    // A paragraph break is a small gap, not a line, and so is a code block's frame; links show their text; escapes and icons are one character.
    if (!line.trim() || /^```/.test(line)) continue;
    const text = line.replace(/\]\([^)]*\)/g, ']').replace(/\$\([a-z-]+\)/g, 'x').replace(/\\(.)/g, '$1');
    for (let i = 0; i < Math.max(1, Math.ceil(text.length / 90)); i++) out.push(text.slice(i * 90, (i + 1) * 90));
  }
  return out;
}

describe('core/record/hover: the hover at a recorded line', () => {
  it('leads with the N+1, then the index with its figure, then the plan in one line, then the SQL', () => {
    const md = recordedHoverMarkdown(input());
    const at = (re: RegExp) => {
      const i = md.search(re);
      assert.ok(i >= 0, `${re} in:\n${md}`);
      return i;
    };
    const n1 = at(/\*\*N\+1\*\*: 20 calls in one request/);
    const index = at(/\*\*Index\*\*: .*4,567\\\.71 → 41\\\.2/);
    const plan = at(/\*\*Gather\*\* · cost 4567\.71 · 6 rows est\. — Parallel Seq Scan on public\\\.favoritor\\_assoc 77/);
    const sql = at(/```sql\nSELECT/);
    assert.ok(n1 < index && index < plan && plan < sql, md);
    assert.match(md, /\[Open plan\]\(command:pgLens\.openStatementPlan\?x\)/, 'the plan viewer has the whole plan');
    // The plan's bullets and warning texts stay in the plan viewer.
    assert.doesNotMatch(md, /Index Scan using userprofile_pkey/);
    assert.doesNotMatch(md, /Sequential scan of 300k rows/);
  });

  it('the N+1 and the index are in the first 6 rendered lines; the whole hover fits the box (12 lines) for one statement with its plan and index', () => {
    const lines = renderedLines(recordedHoverMarkdown(input()));
    const first = lines.slice(0, 6).join('\n');
    assert.match(first, /N\+1/);
    assert.match(first, /Index/);
    assert.ok(lines.length <= 12, `${lines.length} lines:\n${lines.join('\n')}`);
  });

  it('many long statements: two shown (costliest first), each SQL cut to a few lines with Full SQL, the rest counted', () => {
    const long = (i: number) => `SELECT ${Array.from({ length: 40 }, (_, c) => `t${i}.column_${c} AS t${i}_column_${c}`).join(', ')} FROM t${i} JOIN u ON u.id = t${i}.u_id WHERE t${i}.a = $1 AND t${i}.b = $2 GROUP BY t${i}.a ORDER BY t${i}.b LIMIT 10`;
    const statements = [1, 2, 3, 4].map((i) => statement({ normalized: long(i), sql: long(i), totalMs: i * 10 }));
    const md = recordedHoverMarkdown(input({ site: { calls: 40, totalMs: 100, statements } }));
    assert.match(md, /FROM t4\b/, 'the costliest');
    assert.match(md, /FROM t3\b/);
    assert.doesNotMatch(md, /FROM t2\b|FROM t1\b/);
    assert.match(md, /and 2 more statements from this line/);
    for (const block of md.match(/```sql\n[^]*?\n```/g) ?? []) assert.ok(block.split('\n').length - 2 <= HOVER_SQL_LINES, block);
    assert.equal((md.match(/\[Full SQL\]/g) ?? []).length, 2);
    assert.ok(renderedLines(md).length <= 20, renderedLines(md).join('\n'));
  });

  it('a silenced N+1 says so instead; no advice yet: no index line, the link to get it', () => {
    const md = recordedHoverMarkdown(input({ silenced: true, advice: () => undefined, plan: () => undefined }));
    assert.match(md.split('\n\n')[1], /N\+1 not reported here/);
    assert.doesNotMatch(md, /\*\*Index\*\*/);
    assert.match(md, /\[Plan and index advice\]\(command:pgLens\.recordedAdvice\?y\)/);
  });

  it('text from the code and the database is escaped (a backtick in SQL does not end the code block)', () => {
    const sql = 'SELECT 1 AS "a```b" FROM t WHERE x = $1';
    const md = recordedHoverMarkdown(input({ site: { calls: 1, totalMs: 1, via: 'my_orm*', statements: [statement({ sql, normalized: sql })] }, plan: () => ({ error: 'relation "t_[x]" does not exist' }) }));
    assert.match(md, /via my\\_orm\\\*/);
    assert.match(md, /````sql\n/);
    assert.match(md, /No plan: relation "t\\_\\\[x\\\]" does not exist/);
  });

  it('the statement written at the line (raw SQL) is not said twice: its recorded figures only, its advice, plan and SQL left to its own hover (person50 L-E)', () => {
    const md = recordedHoverMarkdown(input({ written: { normalized: SQL, edited: false } }));
    assert.doesNotMatch(md, /\*\*Index\*\*/, 'the index advice is in the statement\'s own hover');
    assert.doesNotMatch(md, /Open plan/, 'so is its plan');
    assert.doesNotMatch(md, /```sql/, 'and its SQL');
    assert.match(md, /1031× · [^\n]* — the statement written here: its plan and index advice are in its own hover/);
    assert.match(md, /N\+1/, 'the recorded N+1 stays');
    // An ORM call (no SQL in the code): everything, as before.
    const orm = recordedHoverMarkdown(input({ written: undefined }));
    assert.match(orm, /\*\*Index\*\*/);
    assert.match(orm, /Open plan/);
  });

  it('a statement edited since the recording: the hover says the recording saw an earlier version, and gives no recorded figure as the edited statement\'s (person50 L-D a)', () => {
    // The line's raw SQL was edited (a column added): its text is no longer the recorded statement's.
    const now = `${SQL} AND userprofile.active`;
    const md = recordedHoverMarkdown(input({ written: { normalized: now, edited: true } }));
    const paragraphs = md.split('\n\n');
    assert.match(paragraphs[0], /recorded at this line, before an edit/);
    assert.match(paragraphs[1], /The recording saw an earlier version of the statement written here/);
    assert.match(md, /Recorded version: 1031× ·/, 'the figures are labelled as the recorded version\'s');
    assert.match(md, /\*\*Index\*\* \(for the recorded version\)/);
    assert.doesNotMatch(md, /the statement written here: its plan and index advice are in its own hover/, 'the recorded statement is not said to be the one written here');
    // Not edited (the same text, or a text the recording saw built differently at run time): no such claim.
    for (const written of [{ normalized: SQL, edited: true }, { normalized: now, edited: false }, undefined]) {
      const same = recordedHoverMarkdown(input({ written }));
      assert.doesNotMatch(same, /earlier version|before an edit|Recorded version/, JSON.stringify(written));
    }
  });
});

describe('core/record/hover: the demo shop\'s statement edited after a recording (person52 L-D)', () => {
  before(() => loadPgParser());

  it("customers.ts:13 with ' LIMIT 1' typed after $1 (unsaved): its SQL is sent as written, so the hover says its 20 recorded calls are from before the edit", async () => {
    const file = path.join(__dirname, '../../../../examples/shop/src/customers.ts');
    const recordedSql = 'SELECT id, email, name, country FROM customers WHERE id = $1';
    const text = fs.readFileSync(file, 'utf8').replace(`WHERE id = $1'`, `WHERE id = $1 LIMIT 1'`);
    const line13 = text.split('\n').slice(0, 12).join('\n').length + 1;
    const code = (await extractSqlSites(text, 'typescript', file)).find((x) => x.span.start >= line13 && x.span.start < text.indexOf('\n', line13));
    assert.ok(code, 'the statement written at line 13');
    assert.equal(code.sql, `${recordedSql} LIMIT 1`);
    // db.query on the shop's own Db type: a string taken as SQL (confidence below 1), sent as it is written.
    assert.ok(sentAsWritten(code), `sent as written: ${JSON.stringify({ api: code.api, confidence: code.confidence })}`);
    const recorded = statement({ sql: recordedSql, normalized: normalizeSql(recordedSql)!, calls: 20, totalMs: 148 });
    const md = recordedHoverMarkdown(input({ site: { calls: 20, totalMs: 148, statements: [recorded] }, nPlusOne: undefined, written: { normalized: normalizeSql(code.sql)!, edited: sentAsWritten(code) && true } }));
    assert.match(md, /recorded at this line, before an edit\*\* \(20 statements, 148 ms\)/);
    assert.match(md, /Recorded version: 20× · 148 ms/);
    // Unedited, the same line's statement is the recorded one: no such words.
    const same = (await extractSqlSites(fs.readFileSync(file, 'utf8'), 'typescript', file)).find((x) => x.sql === recordedSql)!;
    assert.doesNotMatch(recordedHoverMarkdown(input({ site: { calls: 20, totalMs: 148, statements: [recorded] }, written: { normalized: normalizeSql(same.sql)!, edited: sentAsWritten(same) } })), /before an edit/);
    // A statement made partly at run time is not sent as written: an edit elsewhere in the file says nothing of it.
    assert.equal(sentAsWritten({ ...code, dynamic: true }), false);
    assert.equal(sentAsWritten({ ...code, api: 'jpql' }), false);
  });
});

