/**
 * Kinds held-out-aa's first (blind) score showed (notes: n1aa25): a Drizzle count per import session whose `where` also
 * keeps two statuses (`inArray(t.status, ['pending', 'processing'])`) was taken for a batched read; Go look-ups kept per
 * key in a map (`owner, ok := users[id]; if !ok { owner = store.GetUserByID(id); users[id] = owner }`) were taken for one
 * query per item; a Java loop over the chunks of a `List<List<Long>>` parameter was taken for one query per item.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines } from '../../support/nplusoneFixtures';
import { textOf } from '../../support/code';


describe('N+1 kinds of held-out-aa', () => {
  const drizzleWorker = (filter: string): ScanFile => ({
    path: 'apps/workers/workers/importWorker.ts',
    text: [
      "import { and, count, eq, inArray } from 'drizzle-orm';",
      "import { db } from '@karakeep/db';",
      "import { importSessions, importStagingBookmarks } from '@karakeep/db/schema';",
      '',
      'export class ImportWorker {',
      '  async checkSessions(sessionIds: string[]) {',
      '    for (const sessionId of sessionIds) {',
      '      const remaining = await db',
      '        .select({ count: count() })',
      '        .from(importStagingBookmarks)',
      `        .where(and(eq(importStagingBookmarks.importSessionId, sessionId), ${filter}));`,
      '      console.log(remaining);',
      '    }',
      '  }',
      '}',
      '',
    ],
  });

  it('a Drizzle statement whose only list is a list of constants runs once per item', async () => {
    assert.deepEqual(await lines([drizzleWorker("inArray(importStagingBookmarks.status, ['pending', 'processing'])")]), ['apps/workers/workers/importWorker.ts:8 warning']);
  });

  it('a list built from the items is still the batched form', async () => {
    assert.deepEqual(await lines([drizzleWorker('inArray(importStagingBookmarks.id, sessionIds)')]), []);
  });

  it('Prisma: `in` over constants in the where is no batch either', async () => {
    const f: ScanFile = {
      path: 'src/jobs/sweep.ts',
      text: [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        '',
        'export async function sweep(teamIds: string[]) {',
        '  for (const teamId of teamIds) {',
        "    await prisma.document.count({ where: { teamId, status: { in: ['DRAFT', 'PENDING'] } } });",
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([f]), ['src/jobs/sweep.ts:6 warning']);
  });
  const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/softserve', '', 'go 1.22', '', 'require github.com/jmoiron/sqlx v1.4.0', ''] };
  const goStore: ScanFile = {
    path: 'pkg/store/database/user.go',
    text: [
      'package database',
      '',
      'import (',
      '\t"context"',
      '',
      '\t"github.com/jmoiron/sqlx"',
      ')',
      '',
      'type User struct{ ID int64; Username string }',
      '',
      'type UserStore struct{ db *sqlx.DB }',
      '',
      'func (s *UserStore) GetUserByID(ctx context.Context, id int64) (User, error) {',
      '\tvar u User',
      '\terr := s.db.GetContext(ctx, &u, "SELECT * FROM users WHERE id = ?", id)',
      '\treturn u, err',
      '}',
      '',
    ],
  };
  const goLocks = (guard: string[]): ScanFile => ({
    path: 'pkg/web/locks.go',
    text: [
      'package web',
      '',
      'import (',
      '\t"context"',
      '',
      '\t"example.com/softserve/pkg/store/database"',
      ')',
      '',
      'type Lock struct{ ID int64; UserID int64 }',
      '',
      'func owners(ctx context.Context, store *database.UserStore, locks []Lock) []string {',
      '\tnames := []string{}',
      '\tusers := map[int64]database.User{}',
      '\tfor _, lock := range locks {',
      ...guard,
      '\t\tnames = append(names, owner.Username)',
      '\t}',
      '\treturn names',
      '}',
      '',
    ],
  });

  it('Go: a look-up kept per key in a map (`v, ok := m[k]` then `if !ok`) runs once per distinct key', async () => {
    const memo = goLocks(['\t\towner, ok := users[lock.UserID]', '\t\tif !ok {', '\t\t\towner, _ = store.GetUserByID(ctx, lock.UserID)', '\t\t\tusers[lock.UserID] = owner', '\t\t}']);
    assert.deepEqual(await lines([goMod, goStore, memo]), []);
  });

  it('Go: the same look-up without the map, or a map that is never filled, is one query per item', async () => {
    const plain = goLocks(['\t\towner, _ := store.GetUserByID(ctx, lock.UserID)', '\t\t_ = users']);
    assert.deepEqual(await lines([goMod, goStore, plain]), ['pkg/web/locks.go:15 warning']);
    const unfilled = goLocks(['\t\towner, ok := users[lock.UserID]', '\t\tif !ok {', '\t\t\towner, _ = store.GetUserByID(ctx, lock.UserID)', '\t\t}']);
    assert.deepEqual(await lines([goMod, goStore, unfilled]), ['pkg/web/locks.go:17 warning']);
  });

  it('TypeScript: `let v = cache.get(k); if (!v) { v = await load(k); cache.set(k, v) }` runs once per distinct key', async () => {
    const f = (store: string): ScanFile => ({
      path: 'src/services/owners.ts',
      text: [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        '',
        'export async function owners(locks: { userId: string }[]) {',
        '  const users = new Map<string, unknown>();',
        '  for (const lock of locks) {',
        '    let owner = users.get(lock.userId);',
        '    if (!owner) {',
        '      owner = await prisma.user.findUnique({ where: { id: lock.userId } });',
        `      ${store}`,
        '    }',
        '  }',
        '}',
        '',
      ],
    });
    assert.deepEqual(await lines([f('users.set(lock.userId, owner);')]), []);
    assert.deepEqual(await lines([f('console.log(owner);')]), ['src/services/owners.ts:9 warning']);
  });
  const javaRepo: ScanFile = {
    path: 'src/main/java/org/example/repository/TargetRepository.java',
    text: [
      'package org.example.repository;',
      '',
      'import java.util.List;',
      'import org.springframework.data.jpa.repository.JpaRepository;',
      'import org.springframework.data.jpa.repository.JpaSpecificationExecutor;',
      'import org.springframework.data.jpa.repository.Modifying;',
      'import org.springframework.data.jpa.repository.Query;',
      '',
      'public interface TargetRepository extends JpaRepository<Target, Long>, JpaSpecificationExecutor<Target> {',
      '    @Modifying',
      '    @Query("UPDATE Target t SET t.status = :status WHERE t.id IN :ids")',
      '    void setStatus(String status, List<Long> ids);',
      '}',
      '',
    ],
  };
  const javaStrategy = (param: string): ScanFile => ({
    path: 'src/main/java/org/example/management/AssignmentStrategy.java',
    text: [
      'package org.example.management;',
      '',
      'import java.util.List;',
      'import org.example.repository.TargetRepository;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class AssignmentStrategy {',
      '    private final TargetRepository targetRepository;',
      '',
      '    public AssignmentStrategy(final TargetRepository targetRepository) {',
      '        this.targetRepository = targetRepository;',
      '    }',
      '',
      `    public void assign(${param}) {`,
      '        targetIds.forEach(targetIdsChunk -> {',
      '            if (targetRepository.count(TargetSpecs.byIds(targetIdsChunk)) == 0) {',
      '                throw new IllegalStateException("missing targets");',
      '            }',
      '            targetRepository.setStatus("PENDING", targetIdsChunk);',
      '        });',
      '    }',
      '}',
      '',
    ],
  });

  it('Java: a loop over the chunks of a `List<List<Long>>` runs one statement per chunk', async () => {
    assert.deepEqual(await lines([javaRepo, javaStrategy('final List<List<Long>> targetIds')]), []);
  });

  it('Java: the same loop over a `List<Long>` is one statement per item', async () => {
    const found = await lines([javaRepo, javaStrategy('final List<Long> targetIds')]);
    assert.ok(found.includes('src/main/java/org/example/management/AssignmentStrategy.java:17 warning'), found.join(', '));
  });
  it('Java: a method called on an object typed by another organisation\'s library is not the app\'s method of that name', async () => {
    const management: ScanFile = {
      path: 'src/main/java/org/example/management/RolloutManagement.java',
      text: [
        'package org.example.management;',
        '',
        'import org.example.repository.RolloutRepository;',
        '',
        'public class RolloutManagement {',
        '    private final RolloutRepository rolloutRepository;',
        '',
        '    public RolloutManagement(final RolloutRepository rolloutRepository) {',
        '        this.rolloutRepository = rolloutRepository;',
        '    }',
        '',
        '    public long count() {',
        '        return rolloutRepository.count();',
        '    }',
        '}',
        '',
      ],
    };
    const repo: ScanFile = {
      path: 'src/main/java/org/example/repository/RolloutRepository.java',
      text: ['package org.example.repository;', '', 'import org.springframework.data.jpa.repository.JpaRepository;', '', 'public interface RolloutRepository extends JpaRepository<Rollout, Long> {', '}', ''],
    };
    const stats = (counterType: string, imp: string): ScanFile => ({
      path: 'src/main/java/org/example/jpa/Statistics.java',
      text: [
        'package org.example.jpa;',
        '',
        imp,
        'import java.util.Map;',
        '',
        'public class Statistics {',
        '    private final Registry registry = new Registry();',
        '',
        '    public void flush(final Map<String, Double> timings) {',
        '        timings.forEach((k, v) -> recordMetric(k, v));',
        '    }',
        '',
        '    private void recordMetric(final String name, final double v) {',
        `        final ${counterType} counter = registry.counter(name);`,
        '        counter.increment(v - counter.count());',
        '    }',
        '}',
        '',
      ],
    });
    assert.deepEqual(await lines([management, repo, stats('Counter', 'import io.micrometer.core.instrument.Counter;')]), []);
    // The same call on the app's own type reaches the app's method.
    const own = await lines([management, repo, stats('RolloutManagement', 'import org.example.management.RolloutManagement;')]);
    assert.deepEqual(own, ['src/main/java/org/example/jpa/Statistics.java:10 warning']);
  });
  describe('Go: commands a server runs per connection', () => {
    const mod: ScanFile = { path: 'go.mod', text: ['module github.com/acme/gitserve', '', 'go 1.22', '', 'require (', '\tgithub.com/jmoiron/sqlx v1.4.0', '\tgithub.com/spf13/cobra v1.8.0', ')', ''] };
    const backend: ScanFile = {
      path: 'pkg/backend/webhooks.go',
      text: [
        'package backend',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"github.com/jmoiron/sqlx"',
        ')',
        '',
        'type Backend struct{ db *sqlx.DB }',
        '',
        'type Hook struct{ ID int64 }',
        '',
        'func (b *Backend) ListWebhooks(ctx context.Context, repoID int64) ([]Hook, error) {',
        '\tvar hooks []Hook',
        '\tif err := b.db.SelectContext(ctx, &hooks, "SELECT id FROM webhooks WHERE repo_id = ?", repoID); err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tfor _, h := range hooks {',
        '\t\tvar events []int',
        '\t\tif err := b.db.SelectContext(ctx, &events, "SELECT event FROM webhook_events WHERE webhook_id = ?", h.ID); err != nil {',
        '\t\t\treturn nil, err',
        '\t\t}',
        '\t}',
        '\treturn hooks, nil',
        '}',
        '',
      ],
    };
    const command: ScanFile = {
      path: 'pkg/ssh/cmd/webhooks.go',
      text: [
        'package cmd',
        '',
        'import (',
        '\t"github.com/acme/gitserve/pkg/backend"',
        '\t"github.com/spf13/cobra"',
        ')',
        '',
        'func WebhooksCommand(be *backend.Backend) *cobra.Command {',
        '\treturn &cobra.Command{',
        '\t\tUse: "webhooks",',
        '\t\tRunE: func(c *cobra.Command, _ []string) error {',
        '\t\t\t_, err := be.ListWebhooks(c.Context(), 1)',
        '\t\t\treturn err',
        '\t\t},',
        '\t}',
        '}',
        '',
      ],
    };
    const middleware: ScanFile = {
      path: 'pkg/ssh/middleware.go',
      text: [
        'package ssh',
        '',
        'import (',
        '\t"github.com/acme/gitserve/pkg/backend"',
        '\t"github.com/acme/gitserve/pkg/ssh/cmd"',
        '\t"github.com/spf13/cobra"',
        ')',
        '',
        'func CommandMiddleware(be *backend.Backend) func(args []string) {',
        '\treturn func(args []string) {',
        '\t\trootCmd := &cobra.Command{Short: "git server"}',
        '\t\trootCmd.AddCommand(',
        '\t\t\tcmd.WebhooksCommand(be),',
        '\t\t)',
        '\t\trootCmd.SetArgs(args)',
        '\t\t_ = rootCmd.Execute()',
        '\t}',
        '}',
        '',
      ],
    };

    it('an operator\'s command alone: what only it calls is script code (info)', async () => {
      assert.deepEqual(await lines([mod, backend, command]), ['pkg/backend/webhooks.go:20 info']);
    });

    it('commands a server adds to a tree and runs on a session\'s arguments: request code', async () => {
      assert.deepEqual(await lines([mod, backend, command, middleware]), ['pkg/backend/webhooks.go:20 warning']);
    });

    const listCommand: ScanFile = {
      path: 'pkg/ssh/cmd/list.go',
      text: [
        'package cmd',
        '',
        'import (',
        '\t"github.com/acme/gitserve/pkg/backend"',
        '\t"github.com/spf13/cobra"',
        ')',
        '',
        'func ListCommand(be *backend.Backend) *cobra.Command {',
        '\treturn &cobra.Command{',
        '\t\tUse: "list",',
        '\t\tRunE: func(c *cobra.Command, repoIDs []string) error {',
        '\t\t\tfor i := range repoIDs {',
        '\t\t\t\tif _, err := be.ListWebhooks(c.Context(), int64(i)); err != nil {',
        '\t\t\t\t\treturn err',
        '\t\t\t\t}',
        '\t\t\t}',
        '\t\t\treturn nil',
        '\t\t},',
        '\t}',
        '}',
        '',
      ],
    };
    const listMiddleware: ScanFile = { ...middleware, text: textOf(middleware.text).replace('cmd.WebhooksCommand(be),', 'cmd.WebhooksCommand(be), cmd.ListCommand(be),') };

    it('a loop in a command a server runs per connection is request code too', async () => {
      assert.deepEqual(await lines([mod, backend, command, listCommand]), ['pkg/backend/webhooks.go:20 info', 'pkg/ssh/cmd/list.go:13 info']);
      assert.deepEqual(await lines([mod, backend, command, listCommand, listMiddleware]), ['pkg/backend/webhooks.go:20 warning', 'pkg/ssh/cmd/list.go:13 warning']);
    });
  });
  it('Java: a listener a UI element keeps (`addClickListener(e -> …)`) runs on the click, not per item of the loop that builds the elements', async () => {
    const repo: ScanFile = {
      path: 'src/main/java/org/example/repository/TagRepository.java',
      text: ['package org.example.repository;', '', 'import org.springframework.data.jpa.repository.JpaRepository;', '', 'public interface TagRepository extends JpaRepository<Tag, Long> {', '}', ''],
    };
    const view = (register: string): ScanFile => ({
      path: 'src/main/java/org/example/ui/TagsView.java',
      text: [
        'package org.example.ui;',
        '',
        'import java.util.List;',
        'import org.example.repository.TagRepository;',
        '',
        'public class TagsView {',
        '    private final TagRepository tagRepository;',
        '',
        '    public TagsView(final TagRepository tagRepository) {',
        '        this.tagRepository = tagRepository;',
        '    }',
        '',
        '    public void show(final List<Tag> tags) {',
        '        for (final Tag tag : tags) {',
        '            add(badge(tag));',
        '        }',
        '    }',
        '',
        '    private Badge badge(final Tag tag) {',
        '        final Button clear = new Button("x");',
        `        ${register}`,
        '        return new Badge(tag.getName(), clear);',
        '    }',
        '}',
        '',
      ],
    });
    assert.deepEqual(await lines([repo, view('clear.addClickListener(event -> tagRepository.deleteById(tag.getId()));')]), []);
    assert.deepEqual(await lines([repo, view('tagRepository.deleteById(tag.getId());')]), ['src/main/java/org/example/ui/TagsView.java:15 warning']);
  });
  it('Java: a method of a @RestController is the framework\'s to call; a call of its name in another module is an HTTP client\'s', async () => {
    const repo: ScanFile = {
      path: 'server/src/main/java/org/example/repository/TenantConfigurationRepository.java',
      text: ['package org.example.repository;', '', 'import org.springframework.data.jpa.repository.JpaRepository;', '', 'public interface TenantConfigurationRepository extends JpaRepository<TenantConfiguration, Long> {', '    TenantConfiguration findByKey(String key);', '}', ''],
    };
    const resource = (annotation: string): ScanFile => ({
      path: 'server/src/main/java/org/example/rest/TenantManagementResource.java',
      text: [
        'package org.example.rest;',
        '',
        'import org.example.repository.TenantConfigurationRepository;',
        'import org.springframework.web.bind.annotation.RestController;',
        '',
        annotation,
        'public class TenantManagementResource implements TenantManagementRestApi {',
        '    private final TenantConfigurationRepository repository;',
        '',
        '    public TenantManagementResource(final TenantConfigurationRepository repository) {',
        '        this.repository = repository;',
        '    }',
        '',
        '    public void updateTenantConfigurationValue(final String key, final String value) {',
        '        final TenantConfiguration c = repository.findByKey(key);',
        '        c.setValue(value);',
        '        repository.save(c);',
        '    }',
        '}',
        '',
      ],
    });
    const ui: ScanFile = {
      path: 'ui/src/main/java/org/example/ui/ConfigView.java',
      text: [
        'package org.example.ui;',
        '',
        'import java.util.Map;',
        '',
        'public class ConfigView {',
        '    private final MgmtClient client;',
        '',
        '    public ConfigView(final MgmtClient client) {',
        '        this.client = client;',
        '    }',
        '',
        '    public void save(final Map<String, String> values) {',
        '        values.forEach((key, value) -> client.getTenantManagementRestApi().updateTenantConfigurationValue(key, value));',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([repo, resource('@RestController'), ui]), []);
    // The same class without the annotation is a service the view may call in-process.
    assert.deepEqual(await lines([repo, resource(''), ui]), ['ui/src/main/java/org/example/ui/ConfigView.java:13 warning']);
  });
});
