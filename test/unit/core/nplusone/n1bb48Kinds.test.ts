/**
 * Loops over a call's value and over a written list, read one step further (n1bb, session 48; notes n1bb/hop.md): the parts
 * of one string, a value of the app's configuration reached through a getter or `range(len(…))`, and what the evidence calls
 * a written list or a constant. Each test failed before n1bb (main 81d06a72); the controls keep what must stay a warning.
 */
import { strict as assert } from 'node:assert';
import { detectWithLines, scanNPlusOne } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1bb48', () => {
  it('a loop over the parts of ONE string (a header split, a pattern\'s matches) is a possible N+1 (info, "record to confirm"); a split of each item of an outer loop and a split list of ids stay warnings', async () => {
    const found = await scanNPlusOne([
      { path: 'mail/handler.py', text: [
        'import re',
        'from django.db import models',
        'from mail.models import Message, User, Mailbox, Category',
        'MENTION = re.compile(r"@(\\w+)")', '',
        'def thread_of(msg):',
        '    for ref in str(msg["References"]).split():',
        '        Message.objects.filter(message_id=ref).first()', '',
        'def mentioned(comment_text):',
        '    for name in re.findall(MENTION, comment_text):',
        '        User.objects.filter(username=name).first()', '',
        'def import_rows(rows):',
        '    for row in rows:',
        '        for email in row["mailboxes"].split():',
        '            Mailbox.objects.filter(email=email).first()', '',
        'def filter_view(request):',
        '    category_ids = request.args.get("category_ids")',
        '    for cid in category_ids.split(","):',
        '        Category.objects.filter(id=cid).first()', ''] },
      { path: 'search/parser.go', text: [
        'package search', '',
        'import "regexp"', '',
        'var re = regexp.MustCompile(`\\[(\\w+)\\]`)', '',
        'func (p *Parser) Tags(ctx context.Context, q string) {',
        '\tfor _, m := range re.FindAllStringSubmatch(q, -1) {',
        '\t\tp.db.QueryRow("SELECT id FROM tags WHERE slug = $1", m[1])',
        '\t}',
        '}', ''] },
    ]);
    const at = (file: string, line: number) => found.find((f) => f.file === file && f.line === line);
    for (const [file, line] of [['mail/handler.py', 8], ['mail/handler.py', 12], ['search/parser.go', 9]] as const) {
      assert.equal(at(file, line)?.severity, 'info', `${file}:${line}`);
      assert.match(at(file, line)!.message, /^Possible N\+1, over the parts of one string \(`[^`]+`\), as many round trips as that one value holds.*record the app to confirm: N\+1 query/);
    }
    assert.equal(at('mail/handler.py', 17)?.severity, 'warning', "a CSV row's names: once per row of the outer loop");
    assert.equal(at('mail/handler.py', 22)?.severity, 'warning', "the request's ids, split: a request's list");
  });

  it("a value of the app's configuration reached through a getter (Go `Config().X(ctx)`, Ruby `config.get(:a, :b)`) or as `range(len(config.X))` is a loop over a configured set (info)", async () => {
    const found = await scanNPlusOne([
      { path: 'persistence/sql/recovery.go', text: [
        'package sql', '',
        'func (p *Persister) UseToken(ctx context.Context, token string) error {',
        '\tfor _, secret := range p.r.Config().SecretsSession(ctx) {',
        '\t\tif err := p.db.QueryRow("SELECT id FROM tokens WHERE token = $1", hmac(token, secret)).Scan(&id); err == nil {',
        '\t\t\treturn nil',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}', ''] },
      { path: 'lib/keys/validate_keys.rb', text: [
        'class ValidateKeys',
        '  def run',
        '    config.get(:database_encryption, :keys).each do |label, _|',
        '      EncryptionKeySentinel.where(label: label).first',
        '    end',
        '  end',
        '  def check(config)',
        '    labels = config.get(:database_encryption, :keys)',
        '    labels.each do |label, _|',
        '      EncryptionKeySentinel.where(label: label).first',
        '    end',
        '  end',
        'end', ''] },
      { path: 'jobs/cron.py', text: [
        'from django.db import models',
        'from app import config',
        'from app.models import Alias', '',
        'def check_hibp():',
        '    for i in range(len(config.HIBP_API_KEYS)):',
        '        Alias.objects.filter(hibp_key=i).first()', ''] },
    ]);
    const at = (file: string, line: number) => found.find((f) => f.file === file && f.line === line);
    for (const [file, line] of [['persistence/sql/recovery.go', 5], ['lib/keys/validate_keys.rb', 4], ['lib/keys/validate_keys.rb', 10], ['jobs/cron.py', 7]] as const) {
      assert.equal(at(file, line)?.severity, 'info', `${file}:${line}`);
      assert.match(at(file, line)!.message, /^Possible N\+1, a loop over `[^`]+`, a value of the app's (?:configuration|settings)/);
    }
  });

  it('the evidence calls a list written in the code `literal` and a constant `constant` only when they are: not Go\'s empty `[]*pkg.T{}` filled later, a parenthesised query, a member of a bound object literal, or `CSV.parse(…)`', async () => {
    const kinds = async (text: string[], file: string) => (await detectWithLines(text.join('\n'), file)).map((x) => `${x.line} ${x.evidence.collection?.kind ?? 'none'}`);
    assert.deepEqual(await kinds([
      'package models', '',
      'func DeleteDue(s *xorm.Session) error {',
      '\tusers := []*user.User{}',
      '\tif err := s.Where("deletion_scheduled_at < now()").Find(&users); err != nil {',
      '\t\treturn err',
      '\t}',
      '\tfor _, u := range users {',
      '\t\ts.Exec("DELETE FROM tasks WHERE created_by_id = ?", u.ID)',
      '\t}',
      '\treturn nil',
      '}',
    ], 'pkg/models/user_delete.go'), ['9 other']);
    assert.deepEqual(await kinds([
      'from django.db import models',
      'from app.models import Alias, Contact', '',
      'def cleanup():',
      '    for alias in (',
      '        Alias.objects.filter(delete_on__isnull=False).order_by("id")',
      '    ):',
      '        Contact.objects.filter(alias_id=alias.id).delete()',
    ], 'app/cleanup.py'), ['8 query']);
    assert.deepEqual(await kinds([
      "import { db } from './db';",
      'export async function importBoard(input: any) {',
      '  const data = { name: input.name, lists: input.lists.map((l: any) => ({ name: l.name })) };',
      '  for (const list of data.lists) {',
      '    await db.insert(lists).values({ name: list.name });',
      '  }',
      '}',
    ], 'src/routers/import.ts'), ['5 other']);
    assert.deepEqual(await kinds([
      'class ImportService',
      '  def call(data)',
      '    CSV.parse(data, headers: true).each do |row|',
      '      Person.find_by(email: row["email"])',
      '    end',
      '  end',
      'end',
    ], 'app/services/import_service.rb'), ['4 call']);
  });

  it("a loop over what a function of the file returns, when every return is a short written list or nothing (`return nil`), is bounded by the code (info)", async () => {
    const found = await scanNPlusOne([
      { path: 'pkg/models/refresh.go', text: [
        'package models', '',
        'func usersOf(n Notification) []*User {',
        '\tswitch n := n.(type) {',
        '\tcase *CommentNotification:',
        '\t\treturn []*User{n.Doer}',
        '\tcase *AssignedNotification:',
        '\t\treturn []*User{n.Doer, n.Assignee}',
        '\tdefault:',
        '\t\treturn nil',
        '\t}',
        '}', '',
        'func refresh(s *xorm.Session, n Notification) {',
        '\tfor _, u := range usersOf(n) {',
        '\t\ts.Exec("UPDATE users SET seen = now() WHERE id = ?", u.ID)',
        '\t}',
        '}', ''] },
    ]);
    const f = found.find((x) => x.file === 'pkg/models/refresh.go' && x.line === 16);
    assert.equal(f?.severity, 'info');
    assert.match(f!.message, /^Possible N\+1, bounded by the code/);
  });

  it("a copy of ONE object's members (`list(conversation.blocks)`, `[...card.labels].sort(…)`) is those members (info); a copy of each outer item's members stays a warning", async () => {
    const found = await scanNPlusOne([
      { path: 'app/services/conversations.py', text: [
        'from django.db import models',
        'from app.models import Block', '',
        'def detach_blocks(conversation):',
        '    for block in list(conversation.isolated_blocks):',
        '        Block.objects.filter(id=block.id).delete()', '',
        'def delete_conversation(conversation):',
        '    isolated = list(conversation.isolated_blocks)',
        '    conversation.delete()',
        '    for block in isolated:',
        '        Block.objects.filter(id=block.id).delete()', ''] },
      { path: 'src/repo/board.repo.ts', text: [
        "import { db } from './db';",
        'export async function copyCard(card: any, copy: any) {',
        '  for (const label of [...card.labels].sort((a: any, b: any) => a.index - b.index)) {',
        '    await db.insert(labels).values({ cardId: copy.id, name: label.name });',
        '  }',
        '}',
        'export async function copyBoard(board: any, lists: any[]) {',
        '  for (const list of lists) {',
        '    for (const card of [...list.cards].sort((a: any, b: any) => a.index - b.index)) {',
        '      await db.insert(cards).values({ listId: list.id, title: card.title });',
        '    }',
        '  }',
        '}', ''] },
    ]);
    const at = (file: string, line: number) => found.find((f) => f.file === file && f.line === line);
    assert.equal(at('app/services/conversations.py', 6)?.severity, 'info');
    assert.equal(at('app/services/conversations.py', 12)?.severity, 'info', 'a copy bound to a name just before the loop');
    assert.match(at('app/services/conversations.py', 6)!.message, /^Possible N\+1, over the members of one object \(`conversation\.isolated_blocks`\)/);
    assert.equal(at('src/repo/board.repo.ts', 4)?.severity, 'info');
    assert.equal(at('src/repo/board.repo.ts', 10)?.severity, 'warning', "each list's cards: a member of an outer loop's item");
  });
});
