/**
 * What the code says about how many items a loop walks (n1ap, issue 14 "evidence of many"): each N+1 finding's
 * evidence names its loop's collection — a database query's rows, a relation read on one row, a list a request sent,
 * a list written in the code, a constant, the function's parameter, a member of `this`, another function's value.
 * Each test failed before n1ap (no `collection` in the evidence).
 */
import { strict as assert } from 'node:assert';
import { detectWithLines } from '../../support/nplusoneFixtures';

async function collections(text: string[], file: string): Promise<string[]> {
  return (await detectWithLines(text.join('\n'), file)).map((x) => `${x.line} ${x.evidence.collection?.kind ?? 'none'}`);
}

describe('N+1 evidence: the loop\'s collection (n1ap)', () => {
  it('a query\'s rows, bound to the loop\'s name or written in the loop, and a result set', async () => {
    assert.deepEqual(await collections([
      'from app.models import User, Profile',
      '',
      'def view(request):',
      '    users = User.objects.filter(active=True)',
      '    for u in users:',
      '        Profile.objects.get(user_id=u.id)',
      '    for u in User.objects.filter(active=False):',
      '        Profile.objects.get(user_id=u.id)',
    ], 'app/views.py'), ['6 query', '8 query']);
    assert.deepEqual(await collections([
      'package store',
      '',
      'import "database/sql"',
      '',
      'func load(db *sql.DB) error {',
      '\trows, err := db.Query("SELECT id FROM users")',
      '\tif err != nil {',
      '\t\treturn err',
      '\t}',
      '\tfor rows.Next() {',
      '\t\tvar id int',
      '\t\trows.Scan(&id)',
      '\t\tdb.Exec("UPDATE users SET seen = true WHERE id = $1", id)',
      '\t}',
      '\treturn nil',
      '}',
    ], 'store/users.go'), ['13 query']);
  });

  it('a relation read on one row, and a list the request sent', async () => {
    assert.deepEqual(await collections([
      "import { prisma } from './db';",
      'export async function handler(req: any, workflow: any) {',
      '  for (const step of workflow.steps) {',
      '    await prisma.step.update({ where: { id: step.id }, data: { done: true } });',
      '  }',
      '  for (const item of req.body.items) {',
      '    await prisma.item.create({ data: item });',
      '  }',
      '}',
    ], 'src/routes/workflow.ts'), ['4 relation', '7 request']);
  });

  it('the function\'s parameter, a member of this, and another function\'s value', async () => {
    assert.deepEqual(await collections([
      "import { prisma } from './db';",
      'export class Sync {',
      '  names: string[] = [];',
      '  async saveAll(ids: string[]) {',
      '    for (const id of ids) {',
      '      await prisma.user.update({ where: { id }, data: { seen: true } });',
      '    }',
      '    for (const name of this.names) {',
      '      await prisma.tag.create({ data: { name } });',
      '    }',
      '    const labels = computeLabels(ids);',
      '    for (const label of labels) {',
      '      await prisma.label.create({ data: { label } });',
      '    }',
      '  }',
      '}',
      'function computeLabels(ids: string[]): string[] { return ids.map((x) => x.toUpperCase()); }',
    ], 'src/services/sync.ts'), ['6 parameter', '9 field', '13 call']);
  });

  it('a constant', async () => {
    assert.deepEqual(await collections([
      "import { prisma } from './db';",
      'const TABLES = loadTables();',
      'export async function handler() {',
      '  for (const t of TABLES) {',
      '    await prisma.stat.create({ data: { t } });',
      '  }',
      '}',
    ], 'src/routes/stats.ts'), ['5 constant']);
  });
});
