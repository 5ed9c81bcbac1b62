/**
 * Evidence of size (issue 14, n1-20): a loop over rows of a query whose LIMIT the code writes as a small literal
 * (`[:5]` on a Django queryset, `.limit(3)`, `take: 5`) walks a handful the code fixes, not the data: its N+1 is only
 * possible (`info`). A page (`[:20]`, `per_page = 10`) and an unlimited query stay warnings. Synthetic fixtures in the
 * idioms of a huey periodic task and an Express route, not copied from an app.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.severity}`).sort();

const task = (rows: string): ScanFile => ({
  path: 'notes/services/snapshots.py',
  text: [
    'from notes.models import Asset, Snapshot',
    '',
    '',
    'def take_snapshots():',
    `    assets = ${rows}`,
    '    for asset in assets:',
    '        Snapshot.objects.create(asset_id=asset.id, status="pending")',
    '',
  ],
});

const route = (query: string): ScanFile => ({
  path: 'src/routes/featured.ts',
  text: [
    "import { prisma } from '../db';",
    '',
    'export async function featured(req, res) {',
    `  const posts = await prisma.post.findMany(${query});`,
    '  for (const post of posts) {',
    '    post.author = await prisma.user.findUnique({ where: { id: post.authorId } });',
    '  }',
    '  res.json(posts);',
    '}',
    '',
  ],
});

describe('N+1 over a handful of rows the code limits', () => {
  it('Django `[:5]`: info "possible", naming the limit', async () => {
    assert.deepEqual(await scanLines([task('Asset.objects.filter(status="pending").order_by("created")[:5]')]), ['notes/services/snapshots.py:7 info']);
    const [f] = await scanNPlusOne([task('Asset.objects.filter(status="pending").order_by("created")[:5]')]);
    assert.match(f.message, /^Possible N\+1, at most 5 items \(`\[:5\]` on what the loop walks\)/);
  });

  it('Prisma `take: 3`: info', async () => {
    assert.deepEqual(await scanLines([route('{ where: { featured: true }, take: 3 }')]), ['src/routes/featured.ts:6 info']);
  });

  it('a page (`[:20]`, `take: 50`) or no limit stays a warning', async () => {
    assert.deepEqual(await scanLines([task('Asset.objects.filter(status="pending")[:20]')]), ['notes/services/snapshots.py:7 warning']);
    assert.deepEqual(await scanLines([task('Asset.objects.filter(status="pending")')]), ['notes/services/snapshots.py:7 warning']);
    assert.deepEqual(await scanLines([route('{ where: { featured: true }, take: 50 }')]), ['src/routes/featured.ts:6 warning']);
    assert.deepEqual(await scanLines([route('{ where: { featured: true } }')]), ['src/routes/featured.ts:6 warning']);
  });
});
