/**
 * Declared sets the twelve N+1 splits held-out-ad…aw showed (n1bk): the fields of one settings model, the app's own
 * route table, a constant-named local holding the keys of the modules an object was handed. Each test failed before its
 * fix (main 4aee9ab3); the controls keep loops over rows as they were.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines, scanWarnings } from '../../support/nplusoneFixtures';

const py = (path: string, lines: string[]): ScanFile => ({ path, text: lines });

describe('N+1 kinds of n1bk', () => {
  it('Python: a loop over one pydantic model\'s fields (model_dump(…).items(), .dict().items()) is a declared set', async () => {
    const file = py('shop/settings/service.py', [
      'from sqlalchemy import select',
      'from shop.models import Setting',
      '',
      '',
      'class SettingsService:',
      '    def __init__(self, session):',
      '        self.session = session',
      '',
      '    async def update_mail_settings(self, params):',
      '        for key, value in params.model_dump(exclude_unset=True).items():',
      '            row = await self.session.execute(select(Setting).where(Setting.key == key))',
      '            row.value = value',
      '',
      '    async def update_legacy(self, form):',
      '        for key, value in form.dict().items():',
      '            await self.session.execute(select(Setting).where(Setting.key == key))',
      '',
      '    async def update_many(self, params):',
      '        for item in params.items:',
      '            await self.session.execute(select(Setting).where(Setting.key == item.key))',
      '',
    ]);
    assert.deepEqual(await scanWarnings([file]), ['shop/settings/service.py:20 warning']);
  });

  it("Python: a loop over the app's own routes (app.routes) is a declared set; a loop over rows stays a finding", async () => {
    const file = py('app/controllers/api.py', [
      'from fastapi.routing import APIRoute',
      'from app.models import Api',
      '',
      '',
      'class ApiController:',
      '    async def refresh_api(self, app):',
      '        for route in app.routes:',
      '            if isinstance(route, APIRoute):',
      '                found = await Api.filter(method=route.methods, path=route.path).first()',
      '',
      '    async def touch_all(self, apis):',
      '        for api in apis:',
      '            await Api.filter(id=api.id).first()',
      '',
    ]);
    assert.deepEqual(await scanWarnings([file]), ['app/controllers/api.py:13 warning']);
  });

  it('JS: a constant-named local holding the keys of the modules an object was handed is a declared set; a camelCase one is not', async () => {
    const file: ScanFile = {
      path: 'server/lib/plugin/plugin.load.js',
      text: [
        "const db = require('../../models');",
        '',
        'async function load() {',
        '  const PLUGINS_TO_LOAD = Object.keys(this.pluginsFromFiles);',
        '  await Promise.all(',
        '    PLUGINS_TO_LOAD.map(async (name) => {',
        '      await db.Plugin.findOne({ where: { name } });',
        '    }),',
        '  );',
        '}',
        '',
        'async function sync(users) {',
        '  const userIds = Object.keys(users);',
        '  await Promise.all(',
        '    userIds.map(async (id) => {',
        '      await db.User.findOne({ where: { id } });',
        '    }),',
        '  );',
        '}',
        '',
        'module.exports = { load, sync };',
        '',
      ],
    };
    assert.deepEqual(await scanWarnings([file]), ['server/lib/plugin/plugin.load.js:16 warning']);
  });
  it('Java: a loop over the entries of one settings form (a collection of configuration modifications or key-values) is a declared set; a list of rows stays a finding', async () => {
    const file: ScanFile = {
      path: 'src/main/java/shop/manager/SettingsManager.java',
      text: [
        'package shop.manager;',
        '',
        'import java.util.List;',
        'import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;',
        '',
        'public class SettingsManager {',
        '    private final NamedParameterJdbcTemplate jdbc;',
        '',
        '    public SettingsManager(NamedParameterJdbcTemplate jdbc) { this.jdbc = jdbc; }',
        '',
        '    public void saveAll(int shopId, List<ConfigurationModification> list) {',
        '        list.stream()',
        '            .filter(c -> c.getValue() != null)',
        '            .forEach(c -> jdbc.update("update setting set value = :v where shop_id = :s and key = :k", java.util.Map.of("v", c.getValue(), "s", shopId, "k", c.getKey())));',
        '    }',
        '',
        '    public void updateOrCreate(List<ConfigurationKeyValue> toUpdate) {',
        '        for (ConfigurationKeyValue kv : toUpdate) {',
        '            jdbc.update("update setting set value = :v where key = :k", java.util.Map.of("v", kv.getSecond(), "k", kv.getFirst().toString()));',
        '        }',
        '    }',
        '',
        '    public void touchAll(List<Product> products) {',
        '        for (Product p : products) {',
        '            jdbc.update("update product set touched = now() where id = :id", java.util.Map.of("id", p.getId()));',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await scanWarnings([file]), ['src/main/java/shop/manager/SettingsManager.java:25 warning']);
  });
  // A service that rewrites every stored secret, one UPDATE per row.
  const secrets: ScanFile = {
    path: 'packages/shared/lib/utils/secrets.manager.ts',
    text: [
      "import { Pool } from 'pg';",
      '',
      'export class SecretsManager {',
      '    constructor(private pool: Pool) {}',
      '',
      '    async resealAllIfNeeded() {',
      "        const rows = (await this.pool.query('select id, value from secret')).rows;",
      '        for (const row of rows) {',
      "            await this.pool.query('update secret set value = $1 where id = $2', [row.value, row.id]);",
      '        }',
      '    }',
      '}',
      '',
    ],
  };
  const secretLines = (lines: string[]) => lines.filter((l) => l.includes('secrets.manager.ts'));

  it('TS: code only a migration runner calls (utils/migrate.ts, run at boot before serving) is one-off, not request code', async () => {
    const migrate: ScanFile = {
      path: 'packages/server/lib/utils/migrate.ts',
      text: [
        "import { SecretsManager } from '@acme/shared';",
        '',
        'export default async function migrate(db: any, manager: SecretsManager): Promise<void> {',
        '    await db.migrate();',
        '    await manager.resealAllIfNeeded();',
        '}',
        '',
      ],
    };
    assert.deepEqual(secretLines(await scanLines([secrets, migrate])), ['packages/shared/lib/utils/secrets.manager.ts:9 info']);
    // …also when a test calls it from its callbacks (a test runs no request).
    const test: ScanFile = {
      path: 'packages/shared/lib/utils/secrets.manager.integration.test.ts',
      text: [
        "import { describe, it } from 'vitest';",
        "import { SecretsManager } from './secrets.manager';",
        '',
        "describe('reseal', () => {",
        "    it('reseals', async () => {",
        '        await new SecretsManager(null as any).resealAllIfNeeded();',
        '    });',
        '});',
        '',
      ],
    };
    assert.deepEqual(secretLines(await scanLines([secrets, migrate, test])), ['packages/shared/lib/utils/secrets.manager.ts:9 info']);
  });

  it('TS: code only a NestJS boot hook calls (onModuleInit) is start-up code; a hook that hands on a callback is not a root', async () => {
    const initializer: ScanFile = {
      path: 'packages/core/src/service/initializer.service.ts',
      text: [
        "import { Injectable, OnModuleInit } from '@nestjs/common';",
        "import { SecretsManager } from '../utils/secrets.manager';",
        '',
        '@Injectable()',
        'export class InitializerService implements OnModuleInit {',
        '    constructor(private manager: SecretsManager) {}',
        '',
        '    async onModuleInit() {',
        '        await this.manager.resealAllIfNeeded();',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(secretLines(await scanLines([secrets, initializer])), ['packages/shared/lib/utils/secrets.manager.ts:9 info']);
    const subscriber: ScanFile = {
      path: 'packages/core/src/plugin/reseal.plugin.ts',
      text: [
        "import { Injectable, OnApplicationBootstrap } from '@nestjs/common';",
        "import { SecretsManager } from '../utils/secrets.manager';",
        '',
        '@Injectable()',
        'export class ResealPlugin implements OnApplicationBootstrap {',
        '    constructor(private manager: SecretsManager, private queue: any) {}',
        '',
        '    async onApplicationBootstrap() {',
        '        await this.queue.createQueue({ name: "reseal", process: async () => this.manager.resealAllIfNeeded() });',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(secretLines(await scanLines([secrets, subscriber])), ['packages/shared/lib/utils/secrets.manager.ts:9 warning']);
  });
});
