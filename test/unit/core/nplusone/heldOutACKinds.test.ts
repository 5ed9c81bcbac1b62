/**
 * Kinds the blind labelling of held-out-ac showed (notes: n1blind28, n1ac28), each keyed on what the code shows:
 * the async `databases` library's client (`Database(…)`, imported by other modules, or handed in typed `Database`);
 * an HTTP client's method named like SQL (`client.query('/library/…')`, RestTemplate's `execute`) is no query; JPA's
 * `EntityManager.remove` per item, a method reference as a loop's body (`forEach(entityManager::merge)`), a Spring Data
 * `Streamable.map(…)` read as a collection (`.toList()`), and jOOQ's `dsl.fetchExists(…)`.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanWarnings as warnings } from '../../support/nplusoneFixtures';


describe('N+1 kinds of held-out-ac (n1ac28)', () => {
  it('Python `databases`: fetch_one/execute on the module\'s Database, imported elsewhere or typed `Database`, is a query per item', async () => {
    const db: ScanFile = { path: 'app/database.py', text: ['from databases import Database', '', 'database = Database("postgresql://x")', ''] };
    const sql: ScanFile = {
      path: 'app/sql/matches.py',
      text: [
        'from app.database import database',
        '',
        'async def sql_delete_match(match_id):',
        '    query = "DELETE FROM matches WHERE id = :match_id"',
        '    await database.execute(query=query, values={"match_id": match_id})',
        '',
        'async def sql_get_team(team_id):',
        '    return await database.fetch_one("SELECT * FROM teams WHERE id = :id", values={"id": team_id})',
        '',
      ],
    };
    const routes: ScanFile = {
      path: 'app/routes/rounds.py',
      text: [
        'from databases import Database',
        'from app.sql.matches import sql_delete_match',
        '',
        'async def delete_round(matches):',
        '    for match in matches:',
        '        await sql_delete_match(match.id)',
        '',
        'async def copy(conn: Database, ids):',
        '    for team_id in ids:',
        '        await conn.fetch_val("SELECT count(*) FROM players WHERE team_id = :t", values={"t": team_id})',
        '',
        'async def once(conn: Database, ids):',
        '    await conn.execute_many("INSERT INTO t (id) VALUES (:id)", values=[{"id": i} for i in ids])',
        '',
      ],
    };
    assert.deepEqual(await warnings([db, sql, routes]), ['app/routes/rounds.py:10 warning', 'app/routes/rounds.py:6 warning']);
  });
  it('TypeScript: `query` with a URL path (a string, a template or `{ uri }`) is an HTTP client\'s request; with SQL it is a query', async () => {
    const f: ScanFile = {
      path: 'server/lib/plexsync.ts',
      text: [
        "import NodePlexAPI from 'plex-api';",
        "import { Pool } from 'pg';",
        '',
        'export class PlexSync {',
        '  private plexClient: NodePlexAPI;',
        '  private pool = new Pool();',
        '',
        '  public async run(keys: string[]) {',
        '    for (const key of keys) {',
        '      await this.plexClient.query(`/library/metadata/${key}/children`);',
        "      await this.plexClient.query('/');",
        '      await this.plexClient.query({ uri: `/library/sections/${key}/all`, extraHeaders: {} });',
        "      await this.pool.query('SELECT * FROM media WHERE key = $1', [key]);",
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['server/lib/plexsync.ts:13 warning']);
  });
  it('Java: RestTemplate\'s `execute` per item is an HTTP request, not a JdbcTemplate statement; JdbcTemplate\'s still is', async () => {
    const f: ScanFile = {
      path: 'src/main/java/org/example/MirrorService.java',
      text: [
        'package org.example;',
        '',
        'import org.springframework.jdbc.core.JdbcTemplate;',
        'import org.springframework.web.client.RestTemplate;',
        '',
        '@Service',
        'public class MirrorService {',
        '    private final RestTemplate backgroundRestTemplate;',
        '    private final JdbcTemplate jdbcTemplate;',
        '',
        '    public void mirror(List<String> urls) {',
        '        for (var url : urls) {',
        '            backgroundRestTemplate.execute("{url}", HttpMethod.GET, null, response -> null, Map.of("url", url));',
        '            jdbcTemplate.update("INSERT INTO mirrored (url) VALUES (?)", url);',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['src/main/java/org/example/MirrorService.java:14 warning']);
  });
  it('Java: EntityManager.remove per item, forEach(entityManager::merge), Streamable map(…).toList() and jOOQ fetchExists are per-item statements; an Optional\'s map is not a loop', async () => {
    const f: ScanFile = {
      path: 'src/main/java/org/example/ExtensionService.java',
      text: [
        'package org.example;',
        '',
        'import jakarta.persistence.EntityManager;',
        'import org.jooq.DSLContext;',
        '',
        '@Service',
        'public class ExtensionService {',
        '    private final EntityManager entityManager;',
        '    private final DSLContext dsl;',
        '    private final VersionRepository versionRepo;',
        '',
        '    @Transactional',
        '    public void removeAll(List<Extension> extensions) {',
        '        for (var extension : extensions) {',
        '            entityManager.remove(extension);',
        '        }',
        '    }',
        '',
        '    @Transactional',
        '    public void mergeAll(List<Extension> updated) {',
        '        updated.forEach(entityManager::merge);',
        '    }',
        '',
        '    public List<Entry> entries() {',
        '        var all = findAllActive();',
        '        return all.map(extension -> new Entry(versionRepo.findLatestByExtension(extension))).toList();',
        '    }',
        '',
        '    public Entry one(long id) {',
        '        return versionRepo.findById(id).map(v -> new Entry(versionRepo.findLatestByExtension(v.getExtension()))).orElse(null);',
        '    }',
        '',
        '    public int existing(List<String> names) {',
        '        var n = 0;',
        '        for (var name : names) {',
        '            if (dsl.fetchExists(dsl.selectOne().from(EXTENSION).where(EXTENSION.NAME.eq(name)))) n++;',
        '        }',
        '        return n;',
        '    }',
        '}',
        '',
      ],
    };
    const p = 'src/main/java/org/example/ExtensionService.java';
    assert.deepEqual(await warnings([f]), [`${p}:15 warning`, `${p}:21 warning`, `${p}:26 warning`, `${p}:36 warning`]);
  });
});
