import { strict as assert } from 'node:assert';
import { applyContext, codeContextOf, contextPathIn, describeByContext, parseContextPolicy } from '../../../src/core/codeContext';
import type { Finding } from '../../../src/core/findings';

const f = (severity: Finding['severity']): Finding => ({ ruleId: 'n-plus-one', severity, message: 'm', span: { start: 0, end: 1 }, fixes: [] });

describe('core/codeContext', () => {
  it('contextPathIn: a file\'s path under its project root (posix), its own path outside it (the editor\'s and pg-lens advise --file\'s one rule, person42 L2)', () => {
    assert.equal(contextPathIn('/home/ana/tools/shop', '/home/ana/tools/shop/scripts/refunds.sql'), 'scripts/refunds.sql');
    assert.equal(contextPathIn('/home/ana/tools/shop/', '/home/ana/tools/shop/src/orders.ts'), 'src/orders.ts');
    // The folders above the root never decide: `tools/` is not a script's folder of the shop.
    assert.equal(codeContextOf(contextPathIn('/home/ana/tools/shop', '/home/ana/tools/shop/src/orders.ts')), 'request');
    assert.equal(codeContextOf(contextPathIn('/home/ana/tools/shop', '/home/ana/tools/shop/scripts/refunds.sql')), 'script');
    // A sibling folder sharing the root's name as a prefix is not under it; a file outside keeps its own path.
    assert.equal(contextPathIn('/work/shop', '/work/shop-old/src/a.ts'), '/work/shop-old/src/a.ts');
    assert.equal(contextPathIn(undefined, 'C:\\src\\a.ts'), 'C:/src/a.ts');
    // Windows: either separator, the drive's case ignored (VS Code's fsPath gives `c:`, a shell `C:`).
    assert.equal(contextPathIn('c:\\Users\\ana\\shop', 'C:\\Users\\ana\\shop\\tests\\orders.test.ts'), 'tests/orders.test.ts');
  });

  it('tells request, job, migration, test, script and seed code apart from paths', () => {
    const cases: [string, string][] = [
      ['server/routes/api/documents.ts', 'request'],
      ['app/controllers/posts_controller.rb', 'request'],
      ['server/queues/processors/BacklinksProcessor.ts', 'job'],
      ['app/jobs/sync_job.rb', 'job'],
      ['polar/organization/tasks.py', 'job'],
      ['db/migrate/20240101_add_x.rb', 'migration'],
      ['netbox/dcim/migrations/0001_initial.py', 'migration'],
      ['app/data_migrations/balance_migrator.rb', 'migration'],
      ['internal/database/migrations.go', 'migration'],
      // A Go package's migration step named first (`migration_exif.go`: AutoMigrate helpers run at start-up, n1ah31); a
      // file merely about migrations elsewhere keeps its context.
      ['api/database/migration_exif.go', 'migration'],
      ['api/graphql/resolvers/migration_status.ts', 'request'],
      // One file holding every migration (`sql/migrations.sql`), and the Go/TS file that creates the schema (`storage/sql/migrate.go`).
      ['sql/migrations.sql', 'migration'],
      ['storage/sql/migrate.go', 'migration'],
      ['src/migrate.ts', 'migration'],
      ['sql/schema.sql', 'request'],
      ['db/V3__add_index.sql', 'migration'],
      ['spec/models/user_spec.rb', 'test'],
      ['src/user.test.ts', 'test'],
      ['internal/store/user_test.go', 'test'],
      ['tests/test_views.py', 'test'],
      ['hc/accounts/management/commands/prune.py', 'script'],
      ['scripts/backfill.ts', 'script'],
      ['lib/tasks/cleanup.rake', 'script'],
      ['packages/prisma/seed/users.ts', 'seed'],
      ['db/seeds.rb', 'seed'],
      ['app/models/demo/generator.rb', 'seed'],
      ['saleor/core/utils/random_data.py', 'seed'],
      ['tracker/importers/jira/importer.py', 'seed'],
      ['lib/fake-data.ts', 'seed'],
      ['app/populate_db.py', 'seed'],
      // A development database's set-up script (held-out-af Quay's initdb.py: sample users, repositories and tags).
      ['initdb.py', 'seed'],
      ['scripts/init_db.ts', 'seed'],
      ['app/services/data_export.py', 'request'],
      // Alembic revisions, numbered SQL migrations (drizzle, golang-migrate), dev tooling and code generators.
      ['alembic/versions/2024_01_02_add_x.py', 'migration'],
      ['apps/web/drizzle/0107_loud_kang.sql', 'migration'],
      ['db/000012_add_users.up.sql', 'migration'],
      ['dev/code-generation/gen_schema.py', 'script'],
      ['tools/codegen/main.go', 'script'],
      ['app/queries/users.sql', 'request'],
      ['src/dev/panel.ts', 'request'],
    ];
    for (const [p, c] of cases) assert.equal(codeContextOf(p), c, p);
  });

  it('reads framework conventions from the text when the path says nothing', () => {
    assert.equal(codeContextOf('app/x.py', 'from django.db import migrations\nclass Migration(migrations.Migration):\n    pass\n'), 'migration');
    assert.equal(codeContextOf('app/x.rb', 'class AddX < ActiveRecord::Migration[7.1]\nend\n'), 'migration');
    // An Alembic revision wherever its folder is: the import of op, or its down_revision.
    assert.equal(codeContextOf('db/revs/abc123_add_x.py', '"""add x"""\nimport sqlalchemy as sa\nfrom alembic import op\n\nrevision = "abc"\n'), 'migration');
    assert.equal(codeContextOf('db/revs/abc123_add_x.py', 'revision: str = "abc"\ndown_revision: str | None = "def"\n'), 'migration');
    assert.equal(codeContextOf('app/alembic_utils.py', 'import alembic\nfrom alembic.config import Config\n'), 'request');
    // A Python module of a `migrations/` folder that imports another app's data is request code;
    // numbered revisions and Django migration classes stay migrations.
    const importer = 'from app.services.migrations._base import BaseMigrator\n\nclass TandoorMigrator(BaseMigrator):\n    pass\n';
    assert.equal(codeContextOf('app/services/migrations/tandoor.py', importer), 'request');
    assert.equal(codeContextOf('app/services/migrations/tandoor.py'), 'migration');
    assert.equal(codeContextOf('app/routes/controller_migrations.py', 'from app.services.migrations import (\n    Tandoor,\n)\n'), 'request');
    assert.equal(codeContextOf('app/services/migrations/__init__.py', 'from .tandoor import *\n'), 'request');
    assert.equal(codeContextOf('app/blog/migrations/0003_tags.py', importer), 'migration');
    assert.equal(codeContextOf('app/blog/migrations/helpers.py', 'from django.db import migrations\nclass Migration(migrations.Migration):\n    pass\n'), 'migration');
    assert.equal(codeContextOf('db/migrations/fix_users.rb', 'class FixUsers\nend\n'), 'migration');
    assert.equal(codeContextOf('app/x.py', 'from celery import shared_task\n@shared_task\ndef run():\n    pass\n'), 'job');
    assert.equal(codeContextOf('app/x.rb', 'class W\n  include Sidekiq::Job\nend\n'), 'job');
  });

  it('held-out-i kinds: end-to-end test packages, Alembic environments, click command modules and `@scheduler.add` jobs', () => {
    assert.equal(codeContextOf('packages/e2e-tests/helpers/db-helpers.js'), 'test');
    assert.equal(codeContextOf('services/integration_tests/orders.py'), 'test');
    assert.equal(codeContextOf('src/app/database/revisions/tenant/env.py', 'import logging\nfrom alembic import context\nfrom sqlalchemy import engine_from_config\n'), 'migration');
    const cli = 'import logging\n\nimport click\n\n@click.group()\ndef cli():\n    pass\n\n@plugins_group.command("install")\ndef install_plugins():\n    pass\n';
    assert.equal(codeContextOf('src/app/cli.py', cli), 'script');
    // click imported for something else (no command defined): still request code.
    assert.equal(codeContextOf('src/app/views.py', 'import click\n\ndef echo(x):\n    click.echo(x)\n'), 'request');
    assert.equal(codeContextOf('src/app/case/scheduled.py', 'from app.scheduler import scheduler\n\n@scheduler.add(every(1).hour, name="close")\ndef close_cases(db_session):\n    pass\n'), 'job');
  });

  it('a Go command-line command: a one-off is a script, a recurring one a job, a serving one keeps its path (n1-22, hanko cmd/)', () => {
    const cobra = (use: string) => `package user\n\nimport "github.com/spf13/cobra"\n\nfunc NewCommand() *cobra.Command {\n\tcmd := &cobra.Command{\n\t\tUse:   "${use}",\n\t\tShort: "x",\n\t}\n\treturn cmd\n}\n`;
    assert.equal(codeContextOf('backend/cmd/user/import.go', cobra('import')), 'script');
    assert.equal(codeContextOf('backend/cmd/jwk/create.go', cobra('create')), 'script');
    assert.equal(codeContextOf('backend/cmd/cleanup/cleanup.go', cobra('cleanup')), 'job');
    assert.equal(codeContextOf('backend/cmd/serve/all.go', cobra('all')), 'request');
    const urfave = 'package main\n\nimport "github.com/urfave/cli/v2"\n\nvar cmdExport = &cli.Command{\n\tName:  "export",\n\tUsage: "x",\n}\n';
    assert.equal(codeContextOf('cmd/export.go', urfave), 'script');
    // Not a command: a handler that only mentions cobra in a comment, and a TypeScript file.
    assert.equal(codeContextOf('backend/handler/user.go', 'package handler\n\n// not a cobra.Command\nfunc X() {}\n'), 'request');
    assert.equal(codeContextOf('src/cmd.ts', 'const c = cobra.Command{ Use: "import" }'), 'request');
  });

  it('a Java picocli command is judged by its name as a Go command is; a reindex is a one-off; a test rig is test code (n1kinds31, held-out-ag kestra, gotosocial)', () => {
    const picocli = (name: string, ext = 'AbstractCommand') => `package io.kestra.cli.commands.sys;\n\nimport picocli.CommandLine;\n\n@CommandLine.Command(\n    name = "${name}",\n    description = "x",\n    mixinStandardHelpOptions = true\n)\npublic class XCommand extends ${ext} {\n}\n`;
    assert.equal(codeContextOf('cli/src/main/java/io/kestra/cli/commands/sys/statestore/StateStoreMigrateCommand.java', picocli('migrate')), 'script');
    assert.equal(codeContextOf('cli/src/main/java/io/kestra/cli/commands/sys/ReindexCommand.java', picocli('reindex')), 'script');
    assert.equal(codeContextOf('cli/src/main/java/x/PurgeCommand.java', picocli('purge')), 'job');
    assert.equal(codeContextOf('cli/src/main/java/x/Short.java', 'import picocli.CommandLine.Command;\n\n@Command(mixinStandardHelpOptions = true, name = "export")\nclass Short {}\n'), 'script');
    // A command that starts a server keeps its path's context; a class that only names a command elsewhere is no command.
    assert.equal(codeContextOf('cli/src/main/java/x/servers/ExecutorCommand.java', picocli('executor', 'AbstractServerCommand')), 'request');
    assert.equal(codeContextOf('core/src/main/java/x/FlowService.java', 'package x;\n\n// see @CommandLine.Command(name = "x")\nclass FlowService {}\n'), 'request');
    assert.equal(codeContextOf('backend/cmd/reindex/reindex.go', 'package reindex\n\nimport "github.com/spf13/cobra"\n\nvar c = &cobra.Command{\n\tUse: "reindex",\n}\n'), 'script');
    assert.equal(codeContextOf('testrig/db.go', 'package testrig\n'), 'test');
    assert.equal(codeContextOf('internal/test-rig/db.go', 'package rig\n'), 'test');
  });

  it("a Python program in a commands/ or cli/ folder (a __main__ guard) is an operator's script; a module there without one keeps its path's context (n1av45, failed before)", () => {
    const program = 'import argparse\n\ndef main():\n    pass\n\nif __name__ == "__main__":\n    main()\n';
    assert.equal(codeContextOf('commands/backfill_totals.py', program), 'script');
    assert.equal(codeContextOf('shop/cli/reindex.py', program), 'script');
    assert.equal(codeContextOf('commands/resend.py', 'import argparse\n\nparser = argparse.ArgumentParser()\nargs = parser.parse_args()\nprint(args)\n'), 'script');
    assert.equal(codeContextOf('commands/handlers.py', 'def handle(cmd):\n    return cmd\n'), 'request');
    assert.equal(codeContextOf('shop/views/orders.py', program), 'request');
  });

  it("one-off code by its naming: a versioned Java/Kotlin migration, a database upgrade program, a `<thing>.migrate.js` module, a mock adapter package (n1bk, failed before)", () => {
    // Flyway's Java migrations are named as its SQL ones (`V3_1__Backfill.java`), run once on upgrade.
    assert.equal(codeContextOf('src/main/java/shop/db/V3_1__BackfillTotals.java', 'package shop.db;\n\npublic class V3_1__BackfillTotals extends BaseJavaMigration {}\n'), 'migration');
    assert.equal(codeContextOf('src/main/kotlin/shop/db/V12__Rename.kt', 'class V12__Rename\n'), 'migration');
    // A database upgrade program kept with the schema (`db/upgrade.js`, `database/upgrade-v2.ts`): run by an operator once.
    assert.equal(codeContextOf('server/db/upgrade.js', 'const knex = require("knex");\n'), 'migration');
    assert.equal(codeContextOf('api/database/upgrade-v2.ts', 'export {};\n'), 'migration');
    // A module named for the migration it does (`device.migrate.js`, `user.migration.ts`).
    assert.equal(codeContextOf('server/lib/device/device.migrate.js', 'module.exports = { migrate };\n'), 'migration');
    // A mock adapter, client or store package (Go `mockadapter/`, `mock_client/`): what tests and dev runs use.
    assert.equal(codeContextOf('internal/meter/mockadapter/meter.go', 'package mockadapter\n'), 'test');
    assert.equal(codeContextOf('pkg/billing/mock_client/client.go', 'package mock_client\n'), 'test');
    // Controls: the app's own code of like names stays request code.
    assert.equal(codeContextOf('src/main/java/shop/Vendor.java', 'class Vendor {}\n'), 'request');
    assert.equal(codeContextOf('server/api/upgrade.js', 'module.exports = {};\n'), 'request');
    assert.equal(codeContextOf('server/db/upgrades.js', 'module.exports = {};\n'), 'request');
    assert.equal(codeContextOf('server/lib/device/device.migrateSettings.js', 'module.exports = {};\n'), 'request');
    assert.equal(codeContextOf('internal/mockingbird/handler.go', 'package mockingbird\n'), 'request');
    assert.equal(codeContextOf('src/plan/upgrade-plan.ts', 'export {};\n'), 'request');
  });

  it('caps findings outside request and job code at info, and the cap is configurable', () => {
    assert.equal(applyContext([f('error')], 'db/migrate/1_x.rb', '')[0].severity, 'info');
    assert.equal(applyContext([f('warning')], 'app/jobs/x_job.rb', '')[0].severity, 'warning');
    const policy = parseContextPolicy(['migration=keep']);
    assert.ok(typeof policy !== 'string');
    assert.equal(applyContext([f('error')], 'db/migrate/1_x.rb', '', policy)[0].severity, 'error');
    assert.match(String(parseContextPolicy(['nowhere=info'])), /expected <context>=/);
    const all = [...applyContext([f('warning')], 'src/a.ts', ''), ...applyContext([f('warning'), f('warning')], 'test/a.test.ts', '')];
    assert.equal(describeByContext(all), 'request 1 (1 warning), test 2 (2 info)');
  });
});
