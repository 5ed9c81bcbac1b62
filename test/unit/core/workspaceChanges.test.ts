import { strict as assert } from 'node:assert';
import { ChangeBurst, classifyChange, mergeChange, replacedFiles, replacingFiles, type Clock, type FileChange } from '../../../src/core/workspaceChanges';
import { skippedPath, SKIPPED_DIRS_GLOB } from '../../../src/core/skippedFolders';
import { detectMigrationTool, migrationOffer, type ProjectFiles } from '../../../src/core/advice/migrations';
import { migrationMarker, PROJECT_FACT_FILES } from '../../../src/core/advice/migrationFix';

/** A clock moved by hand: timers run when `advance` passes their time, in order. */
class HandClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

const kinds = (rel: string, change: FileChange, folder?: boolean) => classifyChange(rel, change, folder).map((c) => `${c.kind}:${c.change}`);

describe('core/workspaceChanges', () => {
  it('replacedFiles pairs each replacing file with the one it replaces (a recording follows the rename: person37 L6)', () => {
    const batch = [{ path: 'file:///w/src/reviews.ts', change: 'deleted' as FileChange }, { path: 'file:///w/src/other.ts', change: 'deleted' as FileChange }, { path: 'file:///w/src/reviewStore.ts', change: 'created' as FileChange }];
    assert.deepEqual(replacedFiles(batch, (p) => p.endsWith('reviews.ts')), [{ from: 'file:///w/src/reviews.ts', to: 'file:///w/src/reviewStore.ts' }]);
    assert.deepEqual(replacedFiles(batch, () => false), []);
  });

  describe('replacingFiles: a file renamed or moved on disk after a scan is scanned under its new name (person36 L3)', () => {
    const shown = (...paths: string[]) => (p: string) => paths.includes(p);
    it('a rename in its folder (mv src/inventory.ts src/stock.ts) of a file shown from the scan: the new name', () => {
      assert.deepEqual(replacingFiles([{ path: 'file:///w/src/inventory.ts', change: 'deleted' }, { path: 'file:///w/src/stock.ts', change: 'created' }], shown('file:///w/src/inventory.ts')), ['file:///w/src/stock.ts']);
      // The order the watcher gave them in does not matter.
      assert.deepEqual(replacingFiles([{ path: 'file:///w/src/stock.ts', change: 'created' }, { path: 'file:///w/src/inventory.ts', change: 'deleted' }], shown('file:///w/src/inventory.ts')), ['file:///w/src/stock.ts']);
    });
    it('a file nothing was shown for, deleted beside a created one: nothing to scan (the next scan reads it)', () => {
      assert.deepEqual(replacingFiles([{ path: 'file:///w/src/a.ts', change: 'deleted' }, { path: 'file:///w/src/b.ts', change: 'created' }], shown()), []);
      assert.deepEqual(replacingFiles([{ path: 'file:///w/src/b.ts', change: 'created' }, { path: 'file:///w/src/c.ts', change: 'changed' }], shown('file:///w/src/c.ts')), []);
    });
    it('a folder moved: each file under its own name; a checkout creating many files beside one deleted: one of them, the same folder first', () => {
      const moved = replacingFiles([
        { path: 'file:///w/old/a.ts', change: 'deleted' }, { path: 'file:///w/old/b.ts', change: 'deleted' },
        { path: 'file:///w/new/b.ts', change: 'created' }, { path: 'file:///w/new/a.ts', change: 'created' },
      ], shown('file:///w/old/a.ts', 'file:///w/old/b.ts'));
      assert.deepEqual(moved.sort(), ['file:///w/new/a.ts', 'file:///w/new/b.ts']);
      const checkout = replacingFiles([
        { path: 'file:///w/lib/x.ts', change: 'created' }, { path: 'file:///w/lib/y.ts', change: 'created' },
        { path: 'file:///w/src/gone.ts', change: 'deleted' }, { path: 'file:///w/src/fresh.ts', change: 'created' },
      ], shown('file:///w/src/gone.ts'));
      assert.deepEqual(checkout, ['file:///w/src/fresh.ts']);
      // Moved and renamed at once (mv src/a.ts lib/b.ts): still the one created file.
      assert.deepEqual(replacingFiles([{ path: 'file:///w/src/a.ts', change: 'deleted' }, { path: 'file:///w/lib/b.ts', change: 'created' }], shown('file:///w/src/a.ts')), ['file:///w/lib/b.ts']);
    });
  });

  describe('the skip list (core/skippedFolders, the walker\'s)', () => {
    it('skips dependency, version-control and build folders, at any depth, and the folders themselves', () => {
      for (const p of ['node_modules/pg/index.js', 'node_modules', '.git/HEAD', 'packages/api/node_modules/x/package.json', 'dist/extension.js', 'build/app.js', '.venv/lib/site.py', 'app/__pycache__/m.pyc', 'web\\node_modules\\x.js', 'coverage/lcov.info', 'env/lib/python3.12/site-packages/django/db.py']) {
        assert.equal(skippedPath(p), true, p);
      }
    });
    it('keeps source folders, and an output-named folder inside src (a NestJS src/core/build module), as the walker does', () => {
      for (const p of ['src/orders.ts', 'src/core/build/builder.ts', 'app/src/dist/x.ts', 'migrations/0001_init.sql', 'distribution/x.ts', 'builds.md']) {
        assert.equal(skippedPath(p), false, p);
      }
    });
    it('gives findFiles one exclude glob of the same folders', () => {
      assert.match(SKIPPED_DIRS_GLOB, /^\{\*\*\/node_modules\/\*\*,.*\*\*\/\.git\/\*\*.*\*\*\/\.venv\/\*\*.*\}$/);
    });
  });

  describe('classifyChange', () => {
    it('a source file: created, changed, deleted', () => {
      assert.deepEqual(kinds('src/orders.ts', 'created'), ['source:created']);
      assert.deepEqual(kinds('src/orders.ts', 'changed'), ['source:changed']);
      assert.deepEqual(kinds('src/orders.ts', 'deleted'), ['source:deleted']);
    });
    it('nothing in a skipped folder, and nothing for a file that is neither source nor marker', () => {
      assert.deepEqual(kinds('node_modules/pkg/package.json', 'created', false), []);
      assert.deepEqual(kinds('node_modules/pkg/lib/m1.js', 'created', false), []);
      assert.deepEqual(kinds('.git/index', 'changed'), []);
      assert.deepEqual(kinds('burst/r0/note1.txt', 'created', false), []);
      assert.deepEqual(kinds('README.md', 'deleted'), []);
    });
    it('a marker counts when it comes or goes; a change only where the detection reads its text', () => {
      assert.deepEqual(kinds('package.json', 'changed'), ['migration-marker:changed']);
      assert.deepEqual(kinds('Gemfile', 'created', false), ['migration-marker:created']);
      assert.deepEqual(kinds('prisma/schema.prisma', 'created', false).filter((k) => k.startsWith('migration')), ['migration-marker:created']);
      assert.deepEqual(kinds('prisma/schema.prisma', 'changed').filter((k) => k.startsWith('migration')), []);
      assert.deepEqual(kinds('db/migrations/0001_init.sql', 'created', false), ['source:created', 'migration-marker:created']);
      assert.deepEqual(kinds('db/migrations/0001_init.sql', 'changed'), ['source:changed']);
      // An Alembic revision: its down_revision makes the heads, so its text counts.
      assert.deepEqual(kinds('alembic/versions/b_left.py', 'changed'), ['source:changed', 'migration-marker:changed']);
      // A TypeORM DataSource is a source file and a fact file.
      assert.deepEqual(kinds('src/config.ts', 'changed'), ['source:changed', 'migration-marker:changed']);
    });
    it('folders: created (looked at), deleted (a name without a file\'s extension may have been one)', () => {
      assert.deepEqual(kinds('alembic', 'created', true), ['folder:created']);
      assert.deepEqual(kinds('alembic', 'deleted'), ['folder:deleted']);
      assert.deepEqual(kinds('refunds-desk-83', 'created', true), ['folder:created']);
      assert.deepEqual(kinds('node_modules/left-pad', 'created', true), []);
      // TypeORM's default folder is src/migrations where the package has a src folder.
      assert.deepEqual(kinds('src', 'created', true), ['folder:created', 'migration-marker:created']);
      // A deleted file with an extension is a file.
      assert.deepEqual(kinds('src/gone.ts', 'deleted'), ['source:deleted']);
    });
  });

  describe('migrationMarker: every other file can be added or removed without changing the tool detected', () => {
    const noise = ['README.md', 'src/app.ts', 'src/orders/service.ts', 'src/util/format.js', 'docs/setup.md', 'test/orders.test.ts', 'scripts/seed.sh', '.github/workflows/ci.yml', 'web/index.html', 'app/models.py', 'cmd/server/main.go', 'LICENSE'];
    const projects: Record<string, ProjectFiles> = {
      prisma: { files: ['prisma/schema.prisma', 'migrations/1.sql'] },
      rails: { files: ['Gemfile', 'config/application.rb', 'db/migrate/20240101000000_create_orders.rb'], gemfileLock: 'GEM\n  specs:\n    rails (7.2.1)\n' },
      'rails without migrations': { files: ['Gemfile', 'config/application.rb'] },
      django: { files: ['manage.py', 'shop/migrations/__init__.py', 'shop/migrations/0001_initial.py', 'users/migrations/__init__.py'], texts: { 'manage.py': 'import django\n' } },
      knex: { files: ['package.json', 'knexfile.ts', 'db/migrations/20240101000000_init.ts'], packageJson: '{"dependencies":{"knex":"3.1.0"}}', texts: { 'package.json': '{"dependencies":{"knex":"3.1.0"}}' } },
      'knex, no migration yet': { files: ['package.json', 'knexfile.ts'], packageJson: '{"dependencies":{"knex":"3.1.0"}}' },
      'node-pg-migrate': { files: ['package.json', 'migrations/1700000000000_init.js'], packageJson: '{"devDependencies":{"node-pg-migrate":"7.0.0"}}' },
      'db-migrate': { files: ['package.json', 'migrations/20240101000000-init.js'], packageJson: '{"dependencies":{"db-migrate":"0.11.0"}}' },
      sequelize: { files: ['backend/.sequelizerc', 'backend/package.json', 'backend/db/migrations/20240101000000-create-orders.js'], texts: { 'backend/.sequelizerc': "module.exports = { 'migrations-path': path.resolve('db', 'migrations') };\n", 'backend/package.json': '{"devDependencies":{"sequelize-cli":"6.6.0"}}' } },
      typeorm: { files: ['package.json', 'src/data-source.ts', 'src/migrations/1700000000000-Init.ts'], packageJson: '{"dependencies":{"typeorm":"0.3.17"}}' },
      'typeorm, no migration yet': { files: ['package.json', 'src/data-source.ts'], packageJson: '{"dependencies":{"typeorm":"0.3.17"}}' },
      mikro: { files: ['package.json', 'migrations/Migration20240101000000.ts'], packageJson: '{"dependencies":{"@mikro-orm/postgresql":"6.0.0"}}' },
      flyway: { files: ['pom.xml', 'src/main/resources/db/migration/V1__init.sql', 'src/main/resources/db/migration/V2__orders.sql'] },
      'golang-migrate': { files: ['go.mod', 'db/migrations/000001_init.up.sql', 'db/migrations/000001_init.down.sql'], texts: { 'go.mod': 'module shop\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n' } },
      'sql folder': { files: ['supabase/migrations/20240101_init.sql'] },
      alembic: { files: ['alembic.ini', 'alembic/env.py', 'alembic/versions/a_base.py', 'requirements.txt'], texts: { 'requirements.txt': 'alembic==1.13\nsqlalchemy\n', 'alembic.ini': '[alembic]\nscript_location = alembic\n' } },
      'alembic, two heads': {
        files: ['alembic/env.py', 'alembic/versions/a_base.py', 'alembic/versions/b_left.py', 'alembic/versions/c_right.py'],
        texts: { 'alembic/env.py': 'from alembic import context\n' },
      },
      'flask-migrate': { files: ['migrations/env.py', 'migrations/versions/1a2b_init.py', 'requirements.txt'], texts: { 'requirements.txt': 'Flask-Migrate==4.0\n', 'migrations/env.py': 'from flask import current_app\n' } },
      nothing: { files: [] },
    };
    const revisions: Record<string, string> = {
      'alembic/versions/a_base.py': 'revision = "aaa111"\ndown_revision = None\n',
      'alembic/versions/b_left.py': 'revision = "bbb222"\ndown_revision = "aaa111"\n',
      'alembic/versions/c_right.py': 'revision = "ccc333"\ndown_revision = "aaa111"\n',
      'migrations/versions/1a2b_init.py': 'revision = "1a2b"\ndown_revision = None\n',
    };
    /** What the editor's cache holds: the tool as the menus offer it (detectMigrationTool, then migrationOffer). */
    const answer = (p: ProjectFiles) => {
      const target = detectMigrationTool(p);
      return { target, offer: migrationOffer(target, { now: new Date(0), files: p.files, fileText: (f) => (p.files.includes(f) ? revisions[f] : undefined) }) };
    };
    const without = (p: ProjectFiles, f: string): ProjectFiles => ({ ...p, files: p.files.filter((x) => x !== f), texts: p.texts && Object.fromEntries(Object.entries(p.texts).filter(([k]) => k !== f)) });

    for (const [name, project] of Object.entries(projects)) {
      it(`${name}: no file but a marker changes the answer; every file whose text it reads is a text marker`, () => {
        const p = { ...project, files: [...project.files, ...noise] };
        const was = answer(p);
        for (const f of p.files.filter((f) => !migrationMarker(f))) assert.deepEqual(answer(without(p, f)), was, `removing ${f} (not a marker) changed the answer`);
        // Without the markers the answer is not the project's (the markers are what it is made of).
        if (project.files.length) assert.notDeepEqual(answer({ files: noise }).target, was.target);
        for (const f of [...Object.keys(project.texts ?? {}), ...Object.keys(revisions).filter((f) => project.files.includes(f))]) assert.equal(migrationMarker(f), 'text', f);
      });
    }
    it('the fact files are text markers', () => {
      for (const f of ['requirements.txt', 'api/pyproject.toml', 'manage.py', 'alembic.ini', 'package.json', 'go.mod', 'pom.xml', 'build.gradle.kts', 'ormconfig.json', 'src/data-source.ts']) {
        assert.ok(PROJECT_FACT_FILES.test(f), f);
        assert.equal(migrationMarker(f), 'text', f);
      }
      for (const f of ['src/app.ts', 'README.md', 'test/orders.test.ts', 'burst/r0/note1.txt', 'lib/m1.js']) assert.equal(migrationMarker(f), undefined, f);
    });
  });

  describe('ChangeBurst (on a hand-moved clock)', () => {
    const setup = (quietMs = 1000, maxWaitMs = 5000) => {
      const clock = new HandClock();
      const batches: [string, FileChange][][] = [];
      const burst = new ChangeBurst<string>((b) => batches.push([...b]), { quietMs, maxWaitMs, clock });
      return { clock, batches, burst };
    };

    it('a burst is one batch, handed on once no change came for the quiet time', () => {
      const { clock, batches, burst } = setup();
      for (let i = 0; i < 2000; i++) {
        burst.add(`f${i}`, 'created');
        if (i % 100 === 0) clock.advance(10);
      }
      clock.advance(999);
      assert.equal(batches.length, 0);
      clock.advance(1);
      assert.equal(batches.length, 1);
      assert.equal(batches[0].length, 2000);
      clock.advance(10_000);
      assert.equal(batches.length, 1);
    });

    it('changes that keep coming give a batch every maxWait, none lost', () => {
      const { clock, batches, burst } = setup(1000, 5000);
      // A change every 500 ms for 20 s: never quiet for 1 s.
      for (let i = 0; i < 40; i++) {
        burst.add(`f${i}`, 'created');
        clock.advance(500);
      }
      clock.advance(1000);
      assert.deepEqual(batches.map((b) => b.length), [10, 10, 10, 10]);
      assert.equal(new Set(batches.flat().map(([k]) => k)).size, 40);
    });

    it('one path once per batch, its changes merged', () => {
      const { clock, batches, burst } = setup();
      burst.add('a', 'created');
      burst.add('a', 'changed');
      burst.add('b', 'changed');
      burst.add('b', 'deleted');
      burst.add('c', 'deleted');
      burst.add('c', 'created');
      clock.advance(1000);
      assert.deepEqual(batches, [[['a', 'created'], ['b', 'deleted'], ['c', 'created']]]);
      assert.equal(mergeChange(undefined, 'changed'), 'changed');
      assert.equal(mergeChange('changed', 'created'), 'created');
    });

    it('flushNow hands on what is pending; dispose drops it and its timer', () => {
      const { clock, batches, burst } = setup();
      burst.flushNow();
      assert.equal(batches.length, 0);
      burst.add('a', 'created');
      burst.flushNow();
      assert.deepEqual(batches, [[['a', 'created']]]);
      burst.add('b', 'created');
      burst.dispose();
      clock.advance(10_000);
      assert.equal(batches.length, 1);
    });
  });
});
