/**
 * Kinds held-out-z's first (blind) score showed (notes: n1z24): a NestJS service delegating to a storage driver typed by
 * the app's interface (`this.storageDriver.delete(…)`) was taken for a query because another class of the app
 * (`GroupRepo.delete`) defines `delete` and queries; the Azure driver's `this.blockBlob(p).delete()` — a method of what
 * the file's own method returns, a `BlockBlobClient` of `@azure/storage-blob` — was taken for the app's `delete` too.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines } from '../../support/nplusoneFixtures';


describe('N+1 kinds of held-out-z', () => {
  const driverInterface: ScanFile = {
    path: 'src/storage/interfaces/storage-driver.interface.ts',
    text: ['export interface StorageDriver {', '  delete(filePath: string): Promise<void>;', '}', ''],
  };
  const localDriver: ScanFile = {
    path: 'src/storage/drivers/local.driver.ts',
    text: [
      "import * as fs from 'fs-extra';",
      "import { StorageDriver } from '../interfaces/storage-driver.interface';",
      '',
      'export class LocalDriver implements StorageDriver {',
      '  async delete(filePath: string): Promise<void> {',
      '    await fs.remove(filePath);',
      '  }',
      '}',
      '',
    ],
  };
  const azureDriver: ScanFile = {
    path: 'src/storage/drivers/azure.driver.ts',
    text: [
      "import { BlockBlobClient, ContainerClient } from '@azure/storage-blob';",
      "import { StorageDriver } from '../interfaces/storage-driver.interface';",
      '',
      'export class AzureDriver implements StorageDriver {',
      '  constructor(private readonly containerClient: ContainerClient) {}',
      '',
      '  private blockBlob(filePath: string): BlockBlobClient {',
      '    return this.containerClient.getBlockBlobClient(filePath);',
      '  }',
      '',
      '  async delete(filePath: string): Promise<void> {',
      '    await this.blockBlob(filePath).delete();',
      '  }',
      '}',
      '',
    ],
  };
  const storageService: ScanFile = {
    path: 'src/storage/storage.service.ts',
    text: [
      "import { Injectable, Inject } from '@nestjs/common';",
      "import { StorageDriver } from './interfaces/storage-driver.interface';",
      '',
      '@Injectable()',
      'export class StorageService {',
      "  constructor(@Inject('STORAGE_DRIVER') private storageDriver: StorageDriver) {}",
      '',
      '  async delete(filePath: string): Promise<void> {',
      '    await this.storageDriver.delete(filePath);',
      '  }',
      '}',
      '',
    ],
  };
  const groupRepo: ScanFile = {
    path: 'src/database/repos/group.repo.ts',
    text: [
      "import { Kysely } from 'kysely';",
      '',
      'export class GroupRepo {',
      '  constructor(private readonly db: Kysely<any>) {}',
      '',
      '  async delete(groupId: string): Promise<void> {',
      "    await this.db.deleteFrom('groups').where('id', '=', groupId).execute();",
      '  }',
      '}',
      '',
    ],
  };
  const attachments: ScanFile = {
    path: 'src/attachment/attachment.service.ts',
    text: [
      "import { Injectable } from '@nestjs/common';",
      "import { StorageService } from '../storage/storage.service';",
      "import { GroupRepo } from '../database/repos/group.repo';",
      '',
      '@Injectable()',
      'export class AttachmentService {',
      '  constructor(private readonly storageService: StorageService, private readonly groupRepo: GroupRepo) {}',
      '',
      '  async deleteFiles(attachments: { filePath: string }[]) {',
      '    for (const attachment of attachments) {',
      '      await this.storageService.delete(attachment.filePath);',
      '    }',
      '  }',
      '',
      '  async deleteGroups(groupIds: string[]) {',
      '    for (const id of groupIds) {',
      '      await this.groupRepo.delete(id);',
      '    }',
      '  }',
      '}',
      '',
    ],
  };

  it('TS: a call on a receiver typed by the app\'s interface (`this.storageDriver.delete(…)`) is decided by the classes implementing it, not by every `delete` of the app; a method of what a file\'s own method returns as a library type (`this.blockBlob(p).delete()`) is the library\'s', async () => {
    assert.deepEqual(await lines([driverInterface, localDriver, azureDriver, storageService, groupRepo, attachments]), ['src/attachment/attachment.service.ts:17 warning']);
  });

  it('TS: a Kysely statement after a common table expression (`this.db.withRecursive(\'tree\', …).selectFrom(\'tree\')…execute()`) queries', async () => {
    const cleanup: ScanFile = {
      path: 'src/page/trash-cleanup.service.ts',
      text: [
        "import { Injectable } from '@nestjs/common';",
        "import { Kysely } from 'kysely';",
        '',
        '@Injectable()',
        'export class TrashCleanupService {',
        '  constructor(private readonly db: Kysely<any>) {}',
        '',
        '  async cleanup(pages: { id: string }[]) {',
        '    for (const page of pages) {',
        '      await this.cleanupPage(page.id);',
        '    }',
        '  }',
        '',
        '  private async cleanupPage(pageId: string) {',
        '    return this.db',
        "      .withRecursive('page_descendants', (db) => db.selectFrom('pages').select(['id']).where('id', '=', pageId))",
        "      .selectFrom('page_descendants')",
        '      .selectAll()',
        '      .execute();',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([cleanup]), ['src/page/trash-cleanup.service.ts:10 warning']);
  });

  it('TS: a Kysely statement composed in a variable and run later (`let query = db.selectFrom(…)`; `query = query.where(…)`; `return query.executeTakeFirst()`) queries, and `Promise.all(ids.map((id) => repo.findById(id)))` runs it per id', async () => {
    const repo: ScanFile = {
      path: 'src/database/repos/page.repo.ts',
      text: [
        "import { Kysely } from 'kysely';",
        '',
        'export class PageRepo {',
        '  constructor(private readonly db: Kysely<any>) {}',
        '',
        '  async findById(pageId: string, opts?: { includeSpace?: boolean }) {',
        "    let query = this.db.selectFrom('pages').selectAll();",
        '    if (opts?.includeSpace) {',
        "      query = query.select('spaceId');",
        '    }',
        "    query = query.where('id', '=', pageId);",
        '    return query.executeTakeFirst();',
        '  }',
        '}',
        '',
      ],
    };
    const service: ScanFile = {
      path: 'src/page/references.service.ts',
      text: [
        "import { Injectable } from '@nestjs/common';",
        "import { PageRepo } from '../database/repos/page.repo';",
        '',
        '@Injectable()',
        'export class ReferencesService {',
        '  constructor(private readonly pageRepo: PageRepo) {}',
        '',
        '  async pages(ids: string[]) {',
        '    return Promise.all(ids.map((id) => this.pageRepo.findById(id, { includeSpace: true })));',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([repo, service]), ['src/page/references.service.ts:9 warning']);
  });

  it('TS: Kysely raw SQL run on a client (`await sql<T>\`…\`.execute(this.db)`, with or without type arguments) queries; over `unnest(${ids})` it is one statement for the list', async () => {
    const repo: ScanFile = {
      path: 'src/database/repos/access.repo.ts',
      text: [
        "import { Kysely, sql } from 'kysely';",
        '',
        'export class AccessRepo {',
        '  constructor(private readonly db: Kysely<any>) {}',
        '',
        '  async usersOf(pageId: string) {',
        '    const r = await sql<{ userId: string }>`SELECT user_id AS "userId" FROM page_access WHERE page_id = ${pageId}`.execute(this.db);',
        '    return r.rows;',
        '  }',
        '',
        '  async usersIn(userIds: string[]) {',
        '    const r = await sql`SELECT u.id FROM unnest(${userIds}::uuid[]) AS u(id)`.execute(this.db);',
        '    return r.rows;',
        '  }',
        '}',
        '',
      ],
    };
    const service: ScanFile = {
      path: 'src/page/digest.service.ts',
      text: [
        "import { Injectable } from '@nestjs/common';",
        "import { AccessRepo } from '../database/repos/access.repo';",
        '',
        '@Injectable()',
        'export class DigestService {',
        '  constructor(private readonly accessRepo: AccessRepo) {}',
        '',
        '  async run(pages: { id: string }[], users: string[][]) {',
        '    for (const p of pages) {',
        '      await this.accessRepo.usersOf(p.id);',
        '    }',
        '    for (const ids of users) {',
        '      await this.accessRepo.usersIn(ids);',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([repo, service]), ['src/page/digest.service.ts:10 warning']);
  });

  it('Java: a loop over a getter of the app\'s settings object (`portalSettings.getActiveEnvs()`, or a name bound to it just before) is as long as the deployment\'s list: a possible N+1 (info)', async () => {
    const service: ScanFile = {
      path: 'src/main/java/com/example/portal/service/AppService.java',
      text: [
        'package com.example.portal.service;',
        '',
        'import java.util.List;',
        'import com.example.portal.repository.RoleRepository;',
        'import com.example.portal.component.PortalSettings;',
        'import com.example.portal.component.PortalConfig;',
        '',
        'public class AppService {',
        '  private final RoleRepository roleRepository;',
        '  private final PortalSettings portalSettings;',
        '  private final PortalConfig portalConfig;',
        '',
        '  public void createApp(String appId, List<String> owners) {',
        '    List<Env> envs = portalSettings.getActiveEnvs();',
        '    for (Env env : envs) {',
        '      roleRepository.save(new Role(appId, env.getName()));',
        '    }',
        '    for (Env env : portalConfig.portalSupportedEnvs()) {',
        '      roleRepository.save(new Role(appId, env.getName()));',
        '    }',
        '    for (String owner : owners) {',
        '      roleRepository.save(new Role(appId, owner));',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([service]), [
      'src/main/java/com/example/portal/service/AppService.java:16 info',
      'src/main/java/com/example/portal/service/AppService.java:19 info',
      'src/main/java/com/example/portal/service/AppService.java:22 warning',
    ]);
  });

  it('Go: a package function only an operator\'s command calls (a cobra command\'s RunE) runs when the command is run: its loops are a script\'s (info), while one a handler also calls stays request code', async () => {
    const goModC: ScanFile = { path: 'go.mod', text: ['module example.com/hooks', '', 'go 1.22', '', 'require github.com/jmoiron/sqlx v1.4.0', ''] };
    const keys: ScanFile = {
      path: 'internal/pkg/keys/encrypt.go',
      text: [
        'package keys',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"github.com/jmoiron/sqlx"',
        ')',
        '',
        'func InitEncryption(ctx context.Context, db *sqlx.DB, tables []string) error {',
        '\tfor _, table := range tables {',
        '\t\tif _, err := db.ExecContext(ctx, "UPDATE "+table+" SET secret_cipher = pgp_sym_encrypt(secret, $1)", "k"); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func Touch(ctx context.Context, db *sqlx.DB, ids []string) error {',
        '\tfor _, id := range ids {',
        '\t\tif _, err := db.ExecContext(ctx, "UPDATE keys SET used_at = now() WHERE id = $1", id); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    const command: ScanFile = {
      path: 'cmd/utils/init_encryption.go',
      text: [
        'package utils',
        '',
        'import (',
        '\t"github.com/spf13/cobra"',
        '',
        '\t"example.com/hooks/internal/pkg/keys"',
        ')',
        '',
        'func AddInitEncryptionCommand(a *App) *cobra.Command {',
        '\tcmd := &cobra.Command{',
        '\t\tUse: "init-encryption",',
        '\t\tRunE: func(cmd *cobra.Command, args []string) error {',
        '\t\t\treturn keys.InitEncryption(cmd.Context(), a.DB, a.Tables)',
        '\t\t},',
        '\t}',
        '\treturn cmd',
        '}',
        '',
      ],
    };
    const handler: ScanFile = {
      path: 'api/handlers/keys.go',
      text: [
        'package handlers',
        '',
        'import (',
        '\t"net/http"',
        '',
        '\t"example.com/hooks/internal/pkg/keys"',
        ')',
        '',
        'func (h *Handler) TouchKeys(w http.ResponseWriter, r *http.Request) {',
        '\t_ = keys.Touch(r.Context(), h.DB, r.URL.Query()["id"])',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([goModC, keys, command, handler]), ['internal/pkg/keys/encrypt.go:11 info', 'internal/pkg/keys/encrypt.go:20 warning']);
  });

  it('Go: a name bound to what a typed value\'s method returns (`projectRepo := h.projectRepo()`, declared `datastore.ProjectRepository`) has that type: its implementation decides', async () => {
    const goModR: ScanFile = { path: 'go.mod', text: ['module example.com/hooks', '', 'go 1.22', '', 'require github.com/jmoiron/sqlx v1.4.0', ''] };
    const iface: ScanFile = {
      path: 'datastore/repository.go',
      text: ['package datastore', '', 'import "context"', '', 'type Project struct{ UID string }', '', 'type ProjectRepository interface {', '\tUpdateProject(ctx context.Context, p *Project) error', '}', ''],
    };
    const impl: ScanFile = {
      path: 'internal/projects/impl.go',
      text: [
        'package projects',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"github.com/jmoiron/sqlx"',
        '',
        '\t"example.com/hooks/datastore"',
        ')',
        '',
        'type Service struct{ db *sqlx.DB }',
        '',
        'func New(db *sqlx.DB) *Service { return &Service{db: db} }',
        '',
        'func (s *Service) UpdateProject(ctx context.Context, p *datastore.Project) error {',
        '\t_, err := s.db.ExecContext(ctx, "UPDATE projects SET config = $1 WHERE id = $2", "{}", p.UID)',
        '\treturn err',
        '}',
        '',
      ],
    };
    const handler: ScanFile = {
      path: 'api/handlers/organisation.go',
      text: [
        'package handlers',
        '',
        'import (',
        '\t"net/http"',
        '',
        '\t"github.com/jmoiron/sqlx"',
        '',
        '\t"example.com/hooks/datastore"',
        '\t"example.com/hooks/internal/projects"',
        ')',
        '',
        'type Handler struct{ DB *sqlx.DB }',
        '',
        'func (h *Handler) projectRepo() datastore.ProjectRepository {',
        '\treturn projects.New(h.DB)',
        '}',
        '',
        'func (h *Handler) UpdateBreakers(w http.ResponseWriter, r *http.Request, list []*datastore.Project) {',
        '\tprojectRepo := h.projectRepo()',
        '\tfor _, project := range list {',
        '\t\t_ = projectRepo.UpdateProject(r.Context(), project)',
        '\t}',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([goModR, iface, impl, handler]), ['api/handlers/organisation.go:21 warning']);
  });
});

