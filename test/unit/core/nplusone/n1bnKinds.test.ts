/**
 * The "other" and "already batched" kinds of the twelve N+1 splits (n1bn, issue 14): a loop that never runs (it follows
 * an unconditional return), a loop in the branch for another database (a function called only when no PostgreSQL is
 * configured), a developer's REPL module, and queries that take a whole chunk of ids. Each test failed before its fix;
 * the controls keep what must stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';
import { codeContextOf } from '../../../../src/core/codeContext';

describe('N+1 kinds of n1bn: unreachable loops, other databases, batched', () => {
  const throttle = (early: boolean): ScanFile => ({
    path: 'app/mail/throttle.py',
    text: [
      'from app.db import Session',
      'from app.models import Sender',
      '',
      'def limited(address):',
      '    return Session.query(Sender).filter_by(address=address).first() is not None',
      '',
      'def any_limited(addresses):',
      ...(early ? ['    # disabled for now', '    return False', ''] : []),
      '    out = []',
      '    for address in addresses:',
      '        out.append(limited(address))',
      '    return any(out)',
      '',
    ],
  });

  it('Python: a loop after an unconditional `return` never runs', async () => {
    assert.deepEqual(await scanLines([throttle(true)]), []);
  });

  it('control: the same loop without the early return is kept', async () => {
    assert.deepEqual(await scanLines([throttle(false)]), ['app/mail/throttle.py:10 warning']);
  });

  const store = (flag: string): ScanFile => ({
    path: 'app/services/widgets.py',
    text: [
      'from sqlalchemy import select',
      'from sqlalchemy.dialects.postgresql import insert',
      'from app.db import session_maker',
      'from app.config import settings',
      'from app.models import Widget',
      '',
      'class WidgetStore:',
      '    async def save_one(self, widget):',
      '        async with session_maker() as session:',
      '            await session.merge(Widget(**widget))',
      '',
      '    async def save_all(self, widgets):',
      `        if ${flag}:`,
      '            async with session_maker() as session:',
      '                await session.execute(insert(Widget).values(widgets).on_conflict_do_nothing())',
      '        else:',
      '            await self._save_each(widgets)',
      '',
      '    async def _save_each(self, widgets):',
      '        """Fallback for SQLite."""',
      '        for widget in widgets:',
      '            await self.save_one(widget)',
      '',
    ],
  });

  it('Python: a function called only in the else of a test of a PostgreSQL setting is the other database\'s fallback', async () => {
    assert.deepEqual(await scanLines([store('settings.pg_uri')]), []);
  });

  it('control: the same else under a test that names no database is kept', async () => {
    assert.deepEqual(await scanLines([store('settings.bulk_enabled')]), ['app/services/widgets.py:22 warning']);
  });

  it('a Python module importing IPython\'s embed at its top is a developer\'s shell helper (a script)', () => {
    const text = 'from IPython import embed\nfrom app.models import User\n\ndef rename(uid, name):\n    User.get(uid).name = name\n\nif __name__ == "__main__":\n    embed()\n';
    assert.equal(codeContextOf('shell.py', text), 'script');
    // IPython's display helpers imported by a client module do not make it a shell.
    assert.equal(codeContextOf('app/client/utils.py', 'from IPython.display import HTML, display\n'), 'request');
  });

  // Already batched: a query per chunk or group of ids, in each shape.
  const py = (body: string[]): ScanFile => ({
    path: 'app/services/sync.py',
    text: [
      'from collections import deque',
      'from sqlalchemy import select',
      'from app.db import session',
      'from app.models import Mapping',
      '',
      ...body,
      '',
    ],
  });

  it('Python: the values of a `dict[str, set[str]]` handed whole to an IN query are one query per group', async () => {
    const loop = (type: string, where: string) => [
      `def mappings(ids_by_type: ${type}):`,
      '    out = {}',
      '    for kind, ids in ids_by_type.items():',
      '        stmt = select(Mapping).where(',
      '            Mapping.kind == kind,',
      `            ${where},`,
      '        )',
      '        out[kind] = session.execute(stmt).scalars().all()',
      '    return out',
    ];
    assert.deepEqual(await scanLines([py(loop('dict[str, set[str]]', 'Mapping.source_id.in_(ids)'))]), []);
    // control: a map of one id per kind is a query per item.
    assert.deepEqual(await scanLines([py(loop('dict[str, str]', 'Mapping.source_id == ids'))]), ['app/services/sync.py:13 warning']);
  });

  it('Java: a map of lists (`Map<Date, List<UUID>>`) walked by entry, each value handed to one update', async () => {
    const dao = (type: string) => ({
      path: 'src/main/java/app/dao/SubscriptionDao.java',
      text: [
        'package app.dao;',
        '',
        'import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;',
        '',
        'public class SubscriptionDao {',
        '  private NamedParameterJdbcTemplate jdbc;',
        '',
        `  public void updateDates(final Map<Date, ${type}> byDate) {`,
        `    for (final Map.Entry<Date, ${type}> kv : byDate.entrySet()) {`,
        '      jdbc.update("update subscription set charged_through = :d where id in (:ids)", Map.of("d", kv.getKey(), "ids", kv.getValue()));',
        '    }',
        '  }',
        '}',
      ],
    });
    assert.deepEqual(await scanLines([dao('List<UUID>')]), []);
    assert.deepEqual(await scanLines([dao('UUID')]), ['src/main/java/app/dao/SubscriptionDao.java:10 warning']);
  });

  it('TS: a query per slice of a list bounded by the loop\'s index is one per chunk', async () => {
    const file = (arg: string): ScanFile => ({
      path: 'src/dao/media.ts',
      text: [
        "import { pool } from '../db';",
        '',
        'export async function markPresent(paths: string[], ids: number[]) {',
        '  for (const b of ids) {',
        `    await pool.query('update media_file set present = true where path = any($1)', [${arg}]);`,
        '  }',
        '}',
      ],
    });
    assert.deepEqual(await scanLines([file('paths.slice(b * 1000, b * 1000 + 1000)')]), []);
    assert.deepEqual(await scanLines([file('paths[b]')]), ['src/dao/media.ts:5 warning']);
  });

  it('Python: a batch filled up to a size in a loop on a condition is one query per batch', async () => {
    const body = (cap: boolean) => [
      'async def resolve(roots):',
      '    queue = deque(sorted(roots))',
      '    found = {}',
      '    while queue:',
      '        batch = set()',
      ...(cap ? ['        while queue and len(batch) < 100:', '            batch.add(queue.popleft())'] : ['        batch.add(queue.popleft())']),
      '        stmt = (',
      '            select(Mapping.name, Mapping.kind)',
      '            .where(Mapping.name.in_(batch))',
      '        )',
      '        rows = (await session.execute(stmt)).all()',
      '        for row in rows:',
      '            found[row.name] = row',
      '    return found',
    ];
    assert.deepEqual(await scanLines([py(body(true))]), []);
    assert.deepEqual(await scanLines([py(body(false))]), ['app/services/sync.py:16 warning', 'app/services/sync.py:16 warning']);
  });

  it('Python: a buffer flushed when full (`if len(chunk) >= chunk_size: insert(chunk)`) is one insert per chunk', async () => {
    const body = (cond: string) => [
      'def insert_chunk(chunk):',
      '    session.execute(Mapping.__table__.insert(), chunk)',
      '',
      'def import_rows(reader, chunk_size=1000):',
      '    chunk = []',
      '    for row in reader:',
      '        chunk.append(row)',
      `        if ${cond}:`,
      '            insert_chunk(chunk)',
      '            chunk = []',
    ];
    assert.deepEqual(await scanLines([py(body('len(chunk) >= chunk_size'))]), []);
    assert.deepEqual(await scanLines([py(body('len(chunk) > 0'))]), ['app/services/sync.py:14 warning']);
  });

  it('JS: a list named for its slices (`sliceUpperBounds`) walked by slice is one call per slice', async () => {
    const file = (name: string): ScanFile => ({
      path: 'server/lib/device/purge.js',
      text: [
        "const { db } = require('../../models');",
        '',
        'async function purge(featureId, bounds) {',
        `  const ${name} = bounds.map((b) => b * 2);`,
        `  for (const bound of ${name}) {`,
        "    await db.query('DELETE FROM t_state WHERE feature_id = $1 AND created_at < $2', [featureId, bound]);",
        '  }',
        '}',
        'module.exports = { purge };',
      ],
    });
    assert.deepEqual(await scanLines([file('sliceUpperBounds')]), []);
    assert.deepEqual(await scanLines([file('upperBounds')]), ['server/lib/device/purge.js:6 warning']);
  });
});
