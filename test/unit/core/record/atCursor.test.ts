import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedSite, recordedStatementsAt } from '../../../../src/core/record/atCursor';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

// hoppscotch-backend's user-history.service.ts (person12 R7): the lens "2 statements" on line 5, the cursor on line 7.
const FILE = '/app/src/user-history/user-history.service.ts';
const TEXT = [
  'export class UserHistoryService {', // 1
  '  constructor(private readonly prisma: PrismaService) {}', // 2
  '', // 3
  '  async fetchUserHistory(uid: string, take: number, reqType: ReqType) {', // 4
  '    const userHistory = await this.prisma.userHistory.findMany({', // 5
  '      where: {', // 6
  '        userUid: uid,', // 7
  '        reqType: reqType,', // 8
  '      },', // 9
  '      take: take,', // 10
  '      orderBy: {', // 11
  "        executedOn: 'desc',", // 12
  '      },', // 13
  '    });', // 14
  '', // 15
  '    const count = await this.prisma.userHistory', // 16
  '      .count({ where: { userUid: uid } });', // 17
  '    const owner = await this.prisma.user.findUnique({ where: { uid } }); const other = 1;', // 18
  '    return { userHistory, count, owner, other };', // 19
  '  }', // 20
  '}', // 21
].join('\n');

const HISTORY = 'SELECT "public"."UserHistory"."id", "public"."UserHistory"."userUid" FROM "public"."UserHistory" WHERE ("public"."UserHistory"."userUid" = $1 AND "public"."UserHistory"."reqType" = CAST($2::text AS "public"."ReqType")) ORDER BY "public"."UserHistory"."executedOn" DESC LIMIT $3 OFFSET $4';
const USER = 'SELECT "public"."User"."uid" FROM "public"."User" WHERE "public"."User"."uid" = $1 LIMIT $2 OFFSET $3';

function q(sql: string, line: number, col: number, ms = 2): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 0, pt: [], ms, rows: 1, u: { k: 'root', id: 'r', n: 'probe' }, ts: 0, pid: 1, site: { file: FILE, line, col, via: '@prisma/client' } };
}

/** Offset of the first `needle` on a 1-based line. */
function at(line: number, needle: string): number {
  const starts = [0];
  for (let i = 0; i < TEXT.length; i++) if (TEXT[i] === '\n') starts.push(i + 1);
  const i = TEXT.split('\n')[line - 1].indexOf(needle);
  assert.ok(i >= 0, needle);
  return starts[line - 1] + i;
}

describe('core/record/atCursor: the recorded statements of the call under the cursor (person12 R7)', () => {
  before(() => loadPgParser());

  // The recording as the editor holds it: summarize() over the capture's events, as captureRecording.refresh does.
  const events: QueryEvent[] = [
    q(HISTORY, 5, 56, 600), q(HISTORY, 5, 56, 70),
    q('SELECT COUNT(*) FROM "public"."UserHistory" WHERE "public"."UserHistory"."userUid" = $1', 16, 39, 5),
    q(USER, 18, 47, 1),
  ];
  const summary = () => summarize(events, normalizeSql, { threshold: 5 });

  it('the cursor inside a multi-line ORM call (its where, its orderBy, its closing line) means the statements recorded at its first line', () => {
    for (const [line, needle] of [[7, 'userUid'], [8, 'reqType'], [12, 'executedOn'], [14, '});'], [5, 'const'], [5, 'findMany']] as const) {
      const found = recordedStatementsAt(summary().sites, FILE, TEXT, at(line, needle));
      assert.equal(found.length, 1, `line ${line}`);
      assert.equal(found[0].line, 5);
      assert.equal(found[0].calls, 2);
      assert.match(found[0].sql, /"UserHistory"\."executedOn" DESC/);
      assert.equal(found[0].via, '@prisma/client');
    }
  });

  it('a method chain continued on the next line is the same call; the statement after a `;` on the same line is not another line\'s', () => {
    const chain = recordedStatementsAt(summary().sites, FILE, TEXT, at(17, '.count'));
    assert.equal(chain.length, 1);
    assert.match(chain[0].sql, /COUNT/);
    assert.equal(recordedStatementsAt(summary().sites, FILE, TEXT, at(18, 'other')).length, 1, 'line 18 is recorded itself');
  });

  it('nothing on a line the recording did not reach (blank, after the call, another function), nor in another file', () => {
    for (const line of [3, 4, 15, 19, 20]) assert.deepEqual(recordedStatementsAt(summary().sites, FILE, TEXT, at(line, TEXT.split('\n')[line - 1].trimStart().slice(0, 1) || '')), [], `line ${line}`);
    assert.deepEqual(recordedStatementsAt(summary().sites, '/app/src/other.ts', TEXT, at(7, 'userUid')), []);
  });

  it('several statements from one call: each once (calls added up), most time first — the editor offers them as a pick list', () => {
    const more = [...events, q(USER, 5, 56, 900), q(USER, 5, 56, 1)];
    const found = recordedStatementsAt(summarize(more, normalizeSql, { threshold: 5 }).sites, FILE, TEXT, at(9, '},'));
    assert.equal(found.length, 2);
    assert.match(found[0].sql, /"User"\."uid"/);
    assert.equal(found[0].calls, 2);
    assert.match(found[1].sql, /UserHistory/);
  });

  it("leaves out what the library sent by itself under the line: session commands and its catalog look-ups (person14 14: Sequelize's SET client_min_messages in the pick list)", () => {
    const more = [...events, q('SET client_min_messages TO warning;', 5, 56, 3), q('SHOW server_version', 5, 56, 1), q("SELECT typname, typtype, oid, typarray FROM pg_type WHERE typname IN ('hstore', 'geometry')", 5, 56, 2)];
    const found = recordedStatementsAt(summarize(more, normalizeSql, { threshold: 5 }).sites, FILE, TEXT, at(7, 'userUid'));
    assert.deepEqual(found.map((f) => f.calls), [2]);
    assert.match(found[0].sql, /UserHistory/);
  });
});

describe('core/record/atCursor recordedSite', () => {
  it('the statement a plan panel shows is the one its buttons act on: the text as sent, in a file at its call or in none (person20 LOW 2)', () => {
    const sql = 'SELECT article.id FROM article JOIN userprofile ON article.author_id = userprofile.id WHERE users.username = $1 LIMIT $2 OFFSET $3';
    const sent = recordedSite(sql);
    assert.equal(sent.sql, sql);
    assert.equal(sent.api, 'recorded');
    assert.equal(sent.file, undefined, 'opened from a recorded hover: no place in a file');
    assert.equal(sent.sourceMap.length, sql.length);
    const atCall = recordedSite(sql, { file: '/app/conduit/articles/views.py', span: { start: 1200, end: 1240 } });
    assert.deepEqual([atCall.file, atCall.span, atCall.sourceMap[0], atCall.sourceMap[sql.length - 1]], ['/app/conduit/articles/views.py', { start: 1200, end: 1240 }, 1200, 1200]);
  });
});
