/**
 * Issue 14, held-out-v's "a handful owned by one parent" kind, the part with a sound signal: a tree written node by
 * node, where each write returns the id the node's children need and the function calls itself with it (folder
 * templates, folders named in a request body). The writes depend on each other: a possible N+1 (info) with the
 * reason, never dropped. Written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scan = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.severity}${/a tree built node by node/.test(f.message) ? ' tree' : ''}`).sort();

describe('N+1: a tree written node by node is a possible N+1 with the reason', function () {
  this.timeout(60000);

  const ts = (recurse: string): ScanFile => ({
    path: 'src/app/api/rooms/template/route.ts',
    text: [
      "import { prisma } from '@/lib/prisma';",
      '',
      'type Node = { name: string; children?: Node[] };',
      '',
      'export async function POST(req: Request) {',
      '  const { roomId, tree } = await req.json();',
      '  const createFolders = async (nodes: Node[], parentId: string | null = null): Promise<void> => {',
      '    for (const node of nodes) {',
      '      const created = await prisma.folder.create({ data: { name: node.name, parentId, roomId } });',
      `      if (node.children?.length) await createFolders(node.children, ${recurse});`,
      '    }',
      '  };',
      '  await createFolders(tree);',
      '  return Response.json({ ok: true });',
      '}',
      '',
    ],
  });

  it("TypeScript: the write's result passed to the function's own call: info, saying why", async () => {
    assert.deepEqual(await scan([ts('created.id')]), ['src/app/api/rooms/template/route.ts:9 info tree']);
  });

  it('the same loop whose recursion does not take the write\'s result (the ids are known): still a warning', async () => {
    assert.deepEqual(await scan([ts('parentId')]), ['src/app/api/rooms/template/route.ts:9 warning']);
  });

  it('Python: a method that creates a node and recurses with it', async () => {
    const py: ScanFile = {
      path: 'rooms/services.py',
      text: [
        'from rooms.models import Folder',
        '',
        'def create_folders(room, nodes, parent=None):',
        '    for node in nodes:',
        '        folder = Folder.objects.create(room=room, name=node["name"], parent=parent)',
        '        create_folders(room, node.get("children", []), parent=folder)',
        '',
      ],
    };
    assert.deepEqual(await scan([py]), ['rooms/services.py:5 info tree']);
  });
});
