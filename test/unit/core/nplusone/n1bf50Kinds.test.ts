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

  // A unit of work per item by design (held-out-av alf.io's reminder e-mails, held-out-aw Tracecat's stream consumers,
  // simple-login's job runner): the call per item is the item's own e-mail, or one queued message handled.
  const py = (body: string[]): ScanFile => ({
    path: 'app/reminders.py',
    text: [
      'from sqlalchemy import select, update',
      'from app.models import Case, Outbox',
      '',
      '',
      'async def load_user(session, user_id):',
      '    return await session.scalar(select(Case).where(Case.id == user_id))',
      '',
      '',
      'async def send_reminder_email(session, user):',
      '    await session.execute(Outbox.__table__.insert().values(to=user.email))',
      '',
      '',
      'class CaseConsumer:',
      '    def __init__(self, session):',
      '        self.session = session',
      '',
      '    async def _handle_message(self, message_id, fields):',
      '        case = await self.session.scalar(select(Case).where(Case.id == fields["case_id"]))',
      '        await self.session.execute(update(Case).where(Case.id == case.id).values(seen=True))',
      '',
      ...body,
      '',
    ],
  });

  it('a call that sends the item\'s own e-mail, or handles one queued message, is a possible N+1 (info); the read per item beside it stays', async () => {
    const lines = await scanLines([py([
      '    async def run(self, messages):',
      '        for message_id, fields in messages:',
      '            await self._handle_message(message_id, fields)',
      '',
      '',
      'async def remind(session, user_ids):',
      '    for user_id in user_ids:',
      '        user = await load_user(session, user_id)',
      '        await send_reminder_email(session, user)',
    ])]);
    assert.deepEqual(lines, ['app/reminders.py:23 info', 'app/reminders.py:28 warning', 'app/reminders.py:29 info']);
  });

  it('a read computed as an argument of the e-mail call stays a warning; a callback handed to it is the mail\'s own body (info)', async () => {
    const lines = await scanLines([py([
      '    pass',
      '',
      '',
      'async def remind(session, user_ids):',
      '    for user_id in user_ids:',
      '        await send_reminder_email(session, await load_user(session, user_id))',
      '        await send_reminder_email(session, user_id, body=lambda: load_user(session, user_id))',
    ])]);
    assert.deepEqual(lines, ['app/reminders.py:26 info', 'app/reminders.py:26 warning', 'app/reminders.py:27 info', 'app/reminders.py:27 info']);
  });

  it('control: a loop that queries per item and sends one e-mail after it stays a warning', async () => {
    const lines = await scanLines([py([
      '    pass',
      '',
      '',
      'async def remind_all(session, user_ids):',
      '    users = []',
      '    for user_id in user_ids:',
      '        users.append(await load_user(session, user_id))',
      '    await send_reminder_email(session, users)',
    ])]);
    assert.deepEqual(lines, ['app/reminders.py:27 warning']);
  });
});
