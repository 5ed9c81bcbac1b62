/**
 * Kinds the blind split held-out-aw showed (n1bd, session 48: Kill Bill, Tracecat, Uptrace). Each test failed before its
 * fix (main 3f31e340); the controls keep what must stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';
import { ImportGraph } from '../../../../src/core/importContext';

describe('N+1 kinds of n1bd48', () => {
  // held-out-aw Kill Bill: the rows of its tables are classes named `…ModelDao` (fields, getters, built with `new`); the
  // real DAOs are `…SqlDao` interfaces. `invoiceModelDao.getId()` was read as a repository's query by the name's `Dao`,
  // in the loop itself and through a helper of the file that only reads a getter.
  const model: ScanFile = {
    path: 'billing/src/main/java/com/acme/billing/dao/LedgerEntryModelDao.java',
    text: [
      'package com.acme.billing.dao;',
      '',
      'import java.util.UUID;',
      '',
      'public class LedgerEntryModelDao extends EntryBase {',
      '    private String state;',
      '    private UUID accountId;',
      '',
      '    public LedgerEntryModelDao(final UUID accountId, final String state) {',
      '        this.accountId = accountId;',
      '        this.state = state;',
      '    }',
      '',
      '    public String getState() {',
      '        return state;',
      '    }',
      '',
      '    public UUID getAccountId() {',
      '        return this.accountId;',
      '    }',
      '}',
      '',
    ],
  };
  const base: ScanFile = {
    path: 'billing/src/main/java/com/acme/billing/dao/EntryBase.java',
    text: ['package com.acme.billing.dao;', '', 'import java.util.UUID;', '', 'public abstract class EntryBase {', '    private UUID id;', '', '    public UUID getId() {', '        return id;', '    }', '}', ''],
  };
  const sqlDao: ScanFile = {
    path: 'billing/src/main/java/com/acme/billing/dao/LedgerEntrySqlDao.java',
    text: [
      'package com.acme.billing.dao;',
      '',
      'import java.util.UUID;',
      'import org.skife.jdbi.v2.sqlobject.SqlUpdate;',
      '',
      'public interface LedgerEntrySqlDao {',
      '    @SqlUpdate("update ledger_entries set state = :state where id = :id")',
      '    void markState(UUID id, String state);',
      '}',
      '',
    ],
  };
  const service = (body: string[]): ScanFile => ({
    path: 'billing/src/main/java/com/acme/billing/dao/DefaultLedgerDao.java',
    text: [
      'package com.acme.billing.dao;',
      '',
      'import java.util.List;',
      'import java.util.Set;',
      'import java.util.UUID;',
      'import java.util.stream.Collectors;',
      '',
      'public class DefaultLedgerDao {',
      '    private final LedgerEntrySqlDao sqlDao;',
      '',
      '    public DefaultLedgerDao(final LedgerEntrySqlDao sqlDao) {',
      '        this.sqlDao = sqlDao;',
      '    }',
      '',
      ...body,
      '}',
      '',
    ],
  });
  const of = (lines: string[]) => lines.filter((l) => l.includes('DefaultLedgerDao.java'));

  it('Java: a getter without arguments on the app\'s row class named like a DAO reads memory (loop, lambda, helper)', async () => {
    const lines = await scanLines([model, base, sqlDao, service([
      '    public Set<UUID> stale(final List<LedgerEntryModelDao> entries, final LedgerEntryModelDao current) {',
      '        final Set<UUID> out = new java.util.HashSet<UUID>();',
      '        for (final LedgerEntryModelDao entryModelDao : entries) {',
      '            if (entryModelDao.getState().equals(current.getState())) {',
      '                out.add(entryModelDao.getId());',
      '            }',
      '        }',
      '        for (final UUID id : out) {',
      '            if (!current.getId().equals(id)) {',
      '                record(current);',
      '            }',
      '        }',
      '        return entries.stream().filter(ledgerEntryModelDao -> ledgerEntryModelDao.getAccountId() != null).map(e -> e.getId()).collect(Collectors.toSet());',
      '    }',
      '',
      '    private void record(final LedgerEntryModelDao current) {',
      '        System.out.println(current.getAccountId());',
      '    }',
    ])]);
    assert.deepEqual(of(lines), []);
  });

  it('control: a query of the real DAO in the same loops stays, and a getter on a DAO class that queries stays', async () => {
    const lines = await scanLines([model, base, sqlDao, service([
      '    public void stale(final List<LedgerEntryModelDao> entries) {',
      '        for (final LedgerEntryModelDao entryModelDao : entries) {',
      '            sqlDao.markState(entryModelDao.getId(), "stale");',
      '        }',
      '    }',
    ])]);
    assert.deepEqual(of(lines), ['billing/src/main/java/com/acme/billing/dao/DefaultLedgerDao.java:17 warning']);
    const userDao: ScanFile = {
      path: 'billing/src/main/java/com/acme/billing/dao/UserDao.java',
      text: [
        'package com.acme.billing.dao;',
        '',
        'import java.util.List;',
        'import org.springframework.jdbc.core.JdbcTemplate;',
        '',
        'public class UserDao {',
        '    private final JdbcTemplate jdbcTemplate;',
        '',
        '    public UserDao(final JdbcTemplate jdbcTemplate) {',
        '        this.jdbcTemplate = jdbcTemplate;',
        '    }',
        '',
        '    public JdbcTemplate getJdbcTemplate() {',
        '        return jdbcTemplate;',
        '    }',
        '',
        '    public List<String> getNames() {',
        '        return jdbcTemplate.queryForList("select name from users", String.class);',
        '    }',
        '}',
        '',
      ],
    };
    const caller: ScanFile = {
      path: 'billing/src/main/java/com/acme/billing/api/Report.java',
      text: [
        'package com.acme.billing.api;',
        '',
        'import java.util.List;',
        'import com.acme.billing.dao.UserDao;',
        '',
        'public class Report {',
        '    private final UserDao userDao;',
        '',
        '    public Report(final UserDao userDao) {',
        '        this.userDao = userDao;',
        '    }',
        '',
        '    public void print(final List<String> sections) {',
        '        for (final String s : sections) {',
        '            System.out.println(userDao.getNames());',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    const report = await scanLines([userDao, caller]);
    assert.deepEqual(report.filter((l) => l.includes('Report.java')), ['billing/src/main/java/com/acme/billing/api/Report.java:15 warning']);
  });

  // held-out-aw Tracecat: FastAPI route handlers share their names with the service methods they call (`list_cases` →
  // `service.list_cases(…)`, `search_cases`), and a name that start-up code also calls made the handlers, and the helpers
  // only they call, start-up code: their N+1s were capped as one-off `script` findings.
  const itemService: ScanFile = {
    path: 'app/items/service.py',
    text: [
      'from sqlalchemy import select',
      'from sqlalchemy.ext.asyncio import AsyncSession',
      '',
      'from app.items.models import Item, Tag',
      '',
      '',
      'class ItemService:',
      '    def __init__(self, session: AsyncSession):',
      '        self.session = session',
      '',
      '    async def list_items(self, tag_names: list[str]):',
      '        return await self.search_items(tag_names)',
      '',
      '    async def search_items(self, tag_names: list[str]):',
      '        out = []',
      '        for name in tag_names:',
      '            out.append(await self.session.scalar(select(Tag).where(Tag.name == name)))',
      '        return out',
      '',
    ],
  };
  const router: ScanFile = {
    path: 'app/items/router.py',
    text: [
      'from fastapi import APIRouter',
      'from sqlalchemy import select',
      '',
      'from app.db import get_session',
      'from app.items.models import Tag',
      'from app.items.service import ItemService',
      '',
      'router = APIRouter()',
      '',
      '',
      'async def _resolve_tags(session, names: list[str]):',
      '    ids = []',
      '    for name in names:',
      '        ids.append(await session.scalar(select(Tag.id).where(Tag.name == name)))',
      '    return ids',
      '',
      '',
      '@router.get(',
      '    "/items",',
      '    response_model=list[dict],',
      ')',
      'async def list_items(tags: list[str]):',
      '    async with get_session() as session:',
      '        return await ItemService(session).list_items(tags)',
      '',
      '',
      '@router.get("/items/search")',
      'async def search_items(tags: list[str]):',
      '    async with get_session() as session:',
      '        return await _resolve_tags(session, tags)',
      '',
    ],
  };
  // Start-up code that calls a function of the handler's name once (a seed at boot).
  const boot: ScanFile = {
    path: 'app/bootstrap/seed.py',
    text: [
      'from app.db import get_session',
      'from app.items.service import ItemService',
      '',
      '',
      'async def seed_items():',
      '    async with get_session() as session:',
      '        await ItemService(session).list_items(["default"])',
      '',
    ],
  };

  it('Python: a FastAPI route handler and what it calls are request code, though start-up code calls a function of the same name', async () => {
    const lines = await scanLines([itemService, router, boot]);
    assert.deepEqual(lines.filter((l) => !l.includes('bootstrap')), ['app/items/router.py:14 warning', 'app/items/service.py:17 warning']);
  });

  it('control: a service function only start-up code reaches stays start-up code', async () => {
    const lines = await scanLines([itemService, boot]);
    assert.deepEqual(lines, ['app/items/service.py:17 info']);
  });

  // held-out-aw Tracecat: the only import of its FastAPI app module is a script that writes the OpenAPI document
  // (`scripts/openapi/generate_openapi.py`); the server loads the app by its start command. The app, every router it
  // includes and every service those import were taken for one-off code (88 findings capped as `script`).
  it('a module that builds the web app or declares routes serves requests, though only a script imports it', () => {
    const g = new ImportGraph();
    g.add('app/api/app.py', 'from fastapi import FastAPI\n\nfrom app.items.router import router as items_router\n\napp = FastAPI()\napp.include_router(items_router)\n');
    g.add('app/items/router.py', 'from fastapi import APIRouter\n\nfrom app.items.service import ItemService\n\nrouter = APIRouter()\n\n\n@router.get("/items")\nasync def list_items():\n    return await ItemService().list_items()\n');
    g.add('app/items/service.py', 'class ItemService:\n    async def list_items(self):\n        return []\n');
    g.add('app/reports/export.py', 'def export_all():\n    return []\n');
    g.add('scripts/openapi/generate_openapi.py', 'import json\n\n\ndef main():\n    from app.api.app import app\n    from app.reports.export import export_all\n    print(json.dumps(app.openapi()))\n');
    assert.deepEqual([...g.contexts()], [['app/reports/export.py', 'script']]);
  });
});
