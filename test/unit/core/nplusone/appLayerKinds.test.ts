/**
 * Kinds seen on apps PG Lens had not been tuned on (issue 14, held-out-c: a NestJS + Prisma app, a
 * Rails app, a Django app), one small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { detectNPlusOne } from '../../../../src/core/nplusone';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';

const lines = async (text: string, file: string) => {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (await detectNPlusOne(text, file, file)).map((f) => starts.filter((s) => s <= f.span.start).length);
};

describe('core/nplusone kinds seen on new apps', () => {
  before(() => useTreeSitterFromNodeModules());

  it('the client handed to a Prisma $transaction callback is a database client', async () => {
    const ts = [
      "import { DbService } from '../db/db.service';",
      'export class Boards {',
      '  constructor(private readonly db: DbService) {}',
      '  async renumber(ownerId: string) {',
      '    await this.db.$transaction(async (tx) => {',
      '      const cards = await tx.card.findMany({ where: { ownerId } });',
      '      const writes = cards.map((c, i) =>',
      '        tx.card.update({ where: { id: c.id }, data: { position: i } }),',
      '      );',
      '      await Promise.all(writes);',
      '    });',
      '  }',
      '}',
    ].join('\n');
    assert.deepEqual(await lines(ts, 'src/boards/boards.service.ts'), [8]);
  });

  it('a function that queries and calls itself per child is one query per node of the tree', async () => {
    const ts = [
      "import { DbService } from '../db/db.service';",
      'export class Folders {',
      '  constructor(private readonly prisma: DbService) {}',
      '  async ids(parentId: string): Promise<string[]> {',
      '    const kids = await this.prisma.folder.findMany({ where: { parentId } });',
      '    const out = [parentId];',
      '    for (const k of kids) out.push(...(await this.ids(k.id)));',
      '    return out;',
      '  }',
      '}',
    ].join('\n');
    assert.deepEqual(await lines(ts, 'src/folders/folders.service.ts'), [7]);
    const py = 'from app.models import Node\n\ndef walk(node_id):\n    children = list(Node.objects.filter(parent_id=node_id))\n    for c in children:\n        walk(c.id)\n';
    assert.deepEqual(await lines(py, 'app/tree.py'), [6]);
  });

  it('a call in a loop to a function of the file that queries through another function of the file', async () => {
    const ts = [
      "import { DbService } from '../db/db.service';",
      'export class Search {',
      '  constructor(private readonly prisma: DbService) {}',
      '  private async pathOf(id: string) { return this.prisma.$queryRaw`SELECT path FROM node WHERE id = ${id}`; }',
      '  private async pathFor(hit: { id: string }) { return this.pathOf(hit.id); }',
      '  async withPaths(hits: { id: string }[]) {',
      '    const out = [];',
      '    for (const h of hits) out.push(await this.pathFor(h));',
      '    return out;',
      '  }',
      '}',
    ].join('\n');
    assert.deepEqual(await lines(ts, 'src/search/search.service.ts'), [8]);
  });
});
