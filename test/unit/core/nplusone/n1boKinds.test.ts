/**
 * N+1 kinds of n1bo (issue 14, held-out-ad…aw): one-off code only tests call, and declared sets known across files.
 * Each test failed before its fix (main 7942bdf9); the controls keep request code's loops as they were.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

const store: ScanFile = {
  path: 'internal/store/postgres/tokens.go',
  text: [
    'package postgres',
    '',
    'import "context"',
    '',
    '// RewrapTokens re-encrypts every stored token with the new key.',
    'func (s *Store) RewrapTokens(ctx context.Context, key []byte) error {',
    '	rows, err := s.db.QueryContext(ctx, "SELECT id, token FROM tokens")',
    '	if err != nil {',
    '		return err',
    '	}',
    '	defer rows.Close()',
    '	for rows.Next() {',
    '		var id int',
    '		var token []byte',
    '		if err := rows.Scan(&id, &token); err != nil {',
    '			return err',
    '		}',
    '		if _, err := s.db.ExecContext(ctx, "UPDATE tokens SET token = $1 WHERE id = $2", wrap(key, token), id); err != nil {',
    '			return err',
    '		}',
    '	}',
    '	return nil',
    '}',
    '',
  ],
};
const iface: ScanFile = {
  path: 'internal/store/store.go',
  text: [
    'package store',
    '',
    'import "context"',
    '',
    '// Store is what the app keeps.',
    'type Store interface {',
    '	// RewrapTokens re-encrypts every token.',
    '	RewrapTokens(ctx context.Context, key []byte) error',
    '}',
    '',
  ],
};
const storeTest: ScanFile = {
  path: 'internal/store/postgres/tokens_test.go',
  text: [
    'package postgres',
    '',
    'import "testing"',
    '',
    'func TestRewrapTokens(t *testing.T) {',
    '	if err := testStore.RewrapTokens(ctx, []byte("k")); err != nil {',
    '		t.Fatal(err)',
    '	}',
    '}',
    '',
  ],
};
const tokenLines = (lines: string[]) => lines.filter((l) => l.startsWith('internal/store/postgres/tokens.go:'));

describe('N+1 kinds of n1bo', () => {
  it('Go: a function only tests call is no request code (its loop is a test\'s, info)', async () => {
    assert.deepEqual(tokenLines(await scanLines([store, iface, storeTest])), ['internal/store/postgres/tokens.go:18 info']);
  });

  it('Go: the same function called by a handler, or handed to a router as a value, stays request code', async () => {
    const handler: ScanFile = {
      path: 'internal/api/admin.go',
      text: ['package api', '', 'func rewrap(w http.ResponseWriter, r *http.Request) {', '	_ = db.RewrapTokens(r.Context(), key)', '}', ''],
    };
    assert.deepEqual(tokenLines(await scanLines([store, iface, storeTest, handler])), ['internal/store/postgres/tokens.go:18 warning']);
    const routed: ScanFile = {
      path: 'internal/api/routes.go',
      text: ['package api', '', 'func routes(r *mux.Router, s *Store) {', '	r.Handle("/admin/rewrap", adminOnly(s.RewrapTokens))', '}', ''],
    };
    assert.deepEqual(tokenLines(await scanLines([store, iface, storeTest, routed])), ['internal/store/postgres/tokens.go:18 warning']);
  });

  it("Python: a scheduled program's job its `__main__` runs stays job code, though its tests call it too", async () => {
    const cron: ScanFile = {
      path: 'cron.py',
      text: [
        'import argparse',
        'from app.db import Session',
        'from app.models import User',
        '',
        '',
        'def notify_trial_end():',
        '    for user in User.filter(User.trial_end != None).all():',
        '        Session.execute("UPDATE users SET notified = true WHERE id = :id", {"id": user.id})',
        '',
        '',
        'if __name__ == "__main__":',
        '    parser = argparse.ArgumentParser()',
        '    parser.add_argument("--job")',
        '    args = parser.parse_args()',
        '    if args.job == "trial_reminders":',
        '        notify_trial_end()',
        '',
      ],
    };
    const cronTest: ScanFile = { path: 'tests/test_cron.py', text: ['from cron import notify_trial_end', '', '', 'def test_notify():', '    notify_trial_end()', ''] };
    assert.deepEqual((await scanLines([cron, cronTest])).filter((l) => l.startsWith('cron.py')), ['cron.py:8 warning']);
  });

  it('TS: a decorated method or a framework-called name that only tests call stays request code', async () => {
    const controller: ScanFile = {
      path: 'src/users/users.controller.ts',
      text: [
        "import { Controller, Post } from '@nestjs/common';",
        "import { pool } from '../db';",
        '',
        "@Controller('users')",
        'export class UsersController {',
        "    @Post('rewrap')",
        '    async rewrapAll(ids: number[]) {',
        '        for (const id of ids) {',
        "            await pool.query('UPDATE users SET token = rewrap(token) WHERE id = $1', [id]);",
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    const spec: ScanFile = {
      path: 'src/users/users.controller.spec.ts',
      text: ["import { UsersController } from './users.controller';", '', "it('rewraps', async () => {", '    await new UsersController().rewrapAll([1, 2]);', '});', ''],
    };
    assert.deepEqual((await scanLines([controller, spec])).filter((l) => l.startsWith('src/users/users.controller.ts')), ['src/users/users.controller.ts:9 warning']);
  });

  const settingKey: ScanFile = {
    path: 'src/main/java/shop/model/SettingKey.java',
    text: [
      'package shop.model;',
      '',
      'public enum SettingKey {',
      '    BASE_URL(true), MAIL_FROM(true), MAPS_KEY(false);',
      '',
      '    private final boolean basic;',
      '',
      '    SettingKey(boolean basic) { this.basic = basic; }',
      '',
      '    public static java.util.List<SettingKey> basic() {',
      '        return java.util.Arrays.stream(values()).filter(k -> k.basic).toList();',
      '    }',
      '}',
      '',
    ],
  };
  const settings = (loops: string[]): ScanFile => ({
    path: 'src/main/java/shop/service/SettingService.java',
    text: [
      'package shop.service;',
      '',
      'import java.util.Map;',
      'import org.springframework.jdbc.core.JdbcTemplate;',
      'import shop.model.SettingKey;',
      '',
      'public class SettingService {',
      '    private final JdbcTemplate jdbc;',
      '',
      '    public SettingService(JdbcTemplate jdbc) { this.jdbc = jdbc; }',
      '',
      ...loops,
      '}',
      '',
    ],
  });
  const loops = [
    '    public void ensureBasic() {',
    '        for (SettingKey key : SettingKey.basic()) {',
    '            jdbc.update("INSERT INTO setting (key) VALUES (?) ON CONFLICT DO NOTHING", key.name());',
    '        }',
    '    }',
    '',
    '    public void saveAll(Map<SettingKey, String> values) {',
    '        for (Map.Entry<SettingKey, String> e : values.entrySet()) {',
    '            jdbc.update("UPDATE setting SET value = ? WHERE key = ?", e.getValue(), e.getKey().name());',
    '        }',
    '    }',
    '',
    '    public void ensureAll() {',
    '        for (SettingKey key : SettingKey.values()) {',
    '            jdbc.update("INSERT INTO setting (key) VALUES (?) ON CONFLICT DO NOTHING", key.name());',
    '        }',
    '    }',
    '',
    '    public boolean basicMissing() {',
    '        return SettingKey.basic().stream()',
    '            .anyMatch(key -> jdbc.queryForList("SELECT 1 FROM setting WHERE key = ?", key.name()).isEmpty());',
    '    }',
  ];
  const serviceLines = (lines: string[]) => lines.filter((l) => l.startsWith('src/main/java/shop/service/'));

  it("Java: a loop over an enum's constants declared in another file (values(), its static subset as a loop or a stream, a map keyed by it) is a declared set", async () => {
    assert.deepEqual(serviceLines(await scanLines([settingKey, settings(loops)])), [
      'src/main/java/shop/service/SettingService.java:14 info',
      'src/main/java/shop/service/SettingService.java:20 info',
      'src/main/java/shop/service/SettingService.java:26 info',
      'src/main/java/shop/service/SettingService.java:32 info',
    ]);
  });

  it('Java: the same loops over a type the project declares as a class (rows) stay warnings', async () => {
    const asClass: ScanFile = { path: settingKey.path, text: (settingKey.text as string[]).map((l) => l.replace('public enum SettingKey {', 'public class SettingKey {').replace('    BASE_URL(true), MAIL_FROM(true), MAPS_KEY(false);', '    public static SettingKey[] values() { return Repo.all(); }')) };
    assert.deepEqual(serviceLines(await scanLines([asClass, settings(loops)])), [
      'src/main/java/shop/service/SettingService.java:14 warning',
      'src/main/java/shop/service/SettingService.java:20 warning',
      'src/main/java/shop/service/SettingService.java:26 warning',
      'src/main/java/shop/service/SettingService.java:32 warning',
    ]);
  });

  it("Java and TS: a loop in a class that is a cache (named …Cache, …CacheStrategy) builds or stores one entry, once per key: info", async () => {
    const loader = (cls: string): ScanFile => ({
      path: `src/main/java/shop/catalog/${cls}.java`,
      text: [
        'package shop.catalog;',
        '',
        'import org.springframework.jdbc.core.JdbcTemplate;',
        '',
        `public class ${cls} {`,
        '    private final JdbcTemplate jdbc;',
        '    private final java.util.Map<String, Plan> cache = new java.util.concurrent.ConcurrentHashMap<>();',
        '',
        '    public Plan get(String key, Plan base) {',
        '        return cache.computeIfAbsent(key, k -> load(base));',
        '    }',
        '',
        '    private Plan load(Plan base) {',
        '        for (Phase phase : base.getPhases()) {',
        '            phase.setPrice(jdbc.queryForObject("SELECT price FROM phase_override WHERE phase = ?", Long.class, phase.getName()));',
        '        }',
        '        return base;',
        '    }',
        '}',
        '',
      ],
    });
    assert.deepEqual(await scanLines([loader('OverriddenPlanCache')]), ['src/main/java/shop/catalog/OverriddenPlanCache.java:15 info']);
    assert.deepEqual(await scanLines([loader('OverriddenPlanService')]), ['src/main/java/shop/catalog/OverriddenPlanService.java:15 warning']);
    const strategy = (cls: string): ScanFile => ({
      path: 'src/cache/sql-cache-strategy.ts',
      text: [
        "import { pool } from '../db';",
        '',
        `export class ${cls} {`,
        '    async set(key: string, value: string, tags: string[]) {',
        "        await pool.query('INSERT INTO cache_item (key, value) VALUES ($1, $2)', [key, value]);",
        '        for (const tag of tags) {',
        "            await pool.query('INSERT INTO cache_tag (tag, key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tag, key]);",
        '        }',
        '    }',
        '}',
        '',
      ],
    });
    assert.deepEqual(await scanLines([strategy('SqlCacheStrategy')]), ['src/cache/sql-cache-strategy.ts:7 info']);
    assert.deepEqual(await scanLines([strategy('SqlTagWriter')]), ['src/cache/sql-cache-strategy.ts:7 warning']);
  });
});
