/**
 * Kinds the blind splits held-out-ad…aw showed (n1bf, session 50). Each test failed before its fix (main 7b80d9cf); the
 * controls keep what must stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1bf50', () => {
  const goStore: ScanFile = {
    path: 'pkg/shop/store.go',
    text: [
      'package shop',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      ')',
      '',
      'type Item struct{ ID int64 }',
      '',
      'func SelectItem(ctx context.Context, db *sql.DB, id int64) (*Item, error) {',
      '\titem := new(Item)',
      '\tif err := db.QueryRowContext(ctx, "select id from item where id = $1", id).Scan(&item.ID); err != nil {',
      '\t\treturn nil, err',
      '\t}',
      '\treturn item, nil',
      '}',
      '',
    ],
  };
  const goHandler = (body: string[]): ScanFile => ({
    path: 'pkg/shop/handler.go',
    text: [
      'package shop',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      '',
      '\t"golang.org/x/sync/errgroup"',
      ')',
      '',
      'type Handler struct{ DB *sql.DB }',
      '',
      ...body,
      '',
    ],
  });

  it('Go: a query per id inside a function handed to an errgroup\'s Go in a loop over the ids', async () => {
    const lines = await scanLines([goStore, goHandler([
      'func (h *Handler) List(ctx context.Context, ids []int64) ([]*Item, error) {',
      '\titems := make([]*Item, len(ids))',
      '\tvar group errgroup.Group',
      '\tfor i := range ids {',
      '\t\tid := ids[i]',
      '\t\tgroup.Go(func() error {',
      '\t\t\titem, err := SelectItem(ctx, h.DB, id)',
      '\t\t\tif err != nil {',
      '\t\t\t\treturn err',
      '\t\t\t}',
      '\t\t\titems[i] = item',
      '\t\t\treturn nil',
      '\t\t})',
      '\t}',
      '\treturn items, group.Wait()',
      '}',
    ])]);
    assert.deepEqual(lines.filter((l) => l.includes('handler.go')), ['pkg/shop/handler.go:18 warning']);
  });

  it('Go: a return inside the function handed on ends that call, not the loop (the query in `return …Scan(…)` runs per id)', async () => {
    const lines = await scanLines([goHandler([
      'func (h *Handler) Touch(ctx context.Context, ids []int64) error {',
      '\tvar group errgroup.Group',
      '\tfor _, id := range ids {',
      '\t\tgroup.Go(func() error {',
      '\t\t\treturn h.DB.QueryRowContext(ctx, "select id from item where id = $1", id).Scan(new(int64))',
      '\t\t})',
      '\t}',
      '\treturn group.Wait()',
      '}',
    ])]);
    assert.deepEqual(lines, ['pkg/shop/handler.go:16 warning']);
  });

  it('control: a return in the loop\'s own body still ends the loop (a search: the first row found)', async () => {
    const lines = await scanLines([goHandler([
      'func (h *Handler) First(ctx context.Context, ids []int64) error {',
      '\tfor _, id := range ids {',
      '\t\tif id > 0 {',
      '\t\t\treturn h.DB.QueryRowContext(ctx, "select id from item where id = $1", id).Scan(new(int64))',
      '\t\t}',
      '\t}',
      '\treturn nil',
      '}',
    ])]);
    assert.deepEqual(lines, []);
  });

  it('Go: a bun query built in a variable and run with `Scan(ctx)` in a loop queries per item', async () => {
    const lines = await scanLines([{
      path: 'pkg/trace/spans.go',
      text: [
        'package trace',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"github.com/uptrace/bun"',
        ')',
        '',
        'type Span struct{ ID int64 }',
        '',
        'func Load(ctx context.Context, db *bun.DB, ids []int64) error {',
        '\tfor _, id := range ids {',
        '\t\tvar spans []*Span',
        '\t\tq := db.NewSelect().Model(&spans).Where("id = ?", id)',
        '\t\tif err := q.Scan(ctx); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    }]);
    assert.deepEqual(lines, ['pkg/trace/spans.go:15 warning']);
  });
});
