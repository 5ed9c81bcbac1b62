/**
 * N+1 false alarms seen on real applications (issue 14), one small fixture per kind: none of these
 * runs a query per item. And the kinds that still are N+1 next to them.
 */
import { strict as assert } from 'node:assert';
import { detectNPlusOne } from '../../../../src/core/nplusone';
import { expectNPlusOne } from '../../support/nplusoneFixtures';

describe('core/nplusone real-world kinds', () => {

  it('a comprehension over a query runs the query once (the iterable), not per item', async () => {
    const py = 'from myapp.models import Port\n\ndef ports(device):\n    by_name = {p.name: p for p in Port.objects.filter(device=device)}\n    return [p.id for p in Port.objects.filter(device=device).order_by("name")]\n';
    await expectNPlusOne(py, 'app/views.py', []);
  });

  it('a loop over a short literal list is a fixed number of round trips', async () => {
    const py = 'from myapp.models import Prefix\n\ndef counts():\n    out = []\n    for family in (4, 6):\n        out.append(Prefix.objects.filter(family=family).count())\n    return out\n';
    await expectNPlusOne(py, 'app/stats.py', []);
  });

  it('a query followed by break/return in the loop runs for the first match only', async () => {
    const py = 'from myapp.models import Check\n\ndef find(items, key):\n    for item in items:\n        if item.key == key:\n            check = Check.objects.get(id=item.id)\n            break\n    for item in items:\n        if item.key == key:\n            return Check.objects.get(id=item.id)\n';
    await expectNPlusOne(py, 'app/find.py', []);
    const ts = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function first(ids: number[]) {\n  for (const id of ids) {\n    const r = await pool.query('SELECT * FROM t WHERE id = $1', [id]);\n    if (r.rows.length) return r.rows[0];\n  }\n}\n";
    await expectNPlusOne(ts, 'src/first.ts', [5], 'an exit that depends on the result still loops: reported');
  });

  it('composing a lazy query in a loop runs nothing per item', async () => {
    const py = 'from myapp.models import Story\n\ndef search(terms):\n    qs = Story.objects.all()\n    for t in terms:\n        qs = qs.filter(title__icontains=t)\n        qs = Story.objects.filter(id__in=Story.objects.filter(tag=t))\n    return list(qs)\n';
    await expectNPlusOne(py, 'app/search.py', []);
    const rb = 'class Search\n  def run(terms)\n    query = Story.all\n    terms.each do |t|\n      query.and!(Story.where(url: t))\n    end\n    query\n  end\nend\n';
    await expectNPlusOne(rb, 'app/models/search.rb', []);
  });

  it('batches are the fix, not the problem: chunks, stepped ranges, a flush every N rows', async () => {
    const py = [
      'from sqlalchemy import update', 'from itertools import batched', '',
      'async def mark(session, ids, rows):',
      '    for batch in batched(ids, 1000):',
      '        await session.execute(update(T).where(T.id.in_(batch)))',
      '    for i in range(0, len(ids), 500):',
      '        await session.execute(update(T).where(T.id.in_(ids[i:i + 500])))',
      '    for n, row in enumerate(rows):',
      '        row.done = True',
      '        if n % BATCH == 0:',
      '            await session.flush()',
      '',
    ];
    await expectNPlusOne(py, 'app/mark.py', []);
  });

  it("a statement per item of one chunk is still one per row: the loop over the chunk's items is not the batch", async () => {
    const ts = [
      "import prisma from '@/lib/prisma';",
      'export async function reindex(rows: { id: string; n: number }[]) {',
      '  const BATCH = 200;',
      '  for (let i = 0; i < rows.length; i += BATCH) {',
      '    const chunk = rows.slice(i, i + BATCH);',
      '    for (const r of chunk) {',
      '      await prisma.folder.update({ where: { id: r.id }, data: { n: r.n } });',
      '    }',
      '  }',
      '  for (const chunk of chunks(rows, 100)) {',
      '    await prisma.folder.updateMany({ where: { id: { in: chunk.map((r) => r.id) } }, data: { n: 0 } });',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(ts.join('\n'), 'src/reindex.ts', [7]);
    const py = 'from myapp.models import Folder\n\ndef reindex(rows):\n    for i in range(0, len(rows), 500):\n        chunk = rows[i:i + 500]\n        for r in chunk:\n            Folder.objects.filter(id=r.id).update(n=r.n)\n';
    await expectNPlusOne(py, 'app/reindex.py', [7]);
  });

  it("a statement that takes a list is still one per item when the list is the item's (`in: doc.path.split('/')`, `id__in=u.post_ids`)", async () => {
    const ts = [
      "import prisma from '@/lib/prisma';",
      'export async function list(docs: any[], teamId: string, ids: string[]) {',
      '  const out = await Promise.all(docs.map(async (doc) => {',
      "    const segs = doc.folder?.path?.split('/') || [];",
      '    return prisma.folder.findMany({ where: { teamId, path: { in: segs } } });',
      '  }));',
      '  for (const batch of chunks(ids, 100)) {',
      '    await prisma.view.deleteMany({ where: { documentId: { in: batch } } });',
      '  }',
      '  return out;',
      '}',
      '',
    ];
    await expectNPlusOne(ts.join('\n'), 'src/list.ts', [5]);
    // An `in:` under `include`/`select` filters the related rows: the statement itself is one per item.
    const nested = [
      "import prisma from '@/lib/prisma';",
      'export async function teams(jobs: any[], ids: string[]) {',
      '  const a = await Promise.all(jobs.map(async (job) => {',
      "    return prisma.team.findUnique({ where: { id: job.teamId }, include: { users: { where: { role: { in: ['ADMIN'] } } } } });",
      '  }));',
      '  const b = await prisma.team.findMany({ where: { id: { in: ids } }, include: { users: true } });',
      '  return [a, b];',
      '}',
      '',
    ];
    await expectNPlusOne(nested.join('\n'), 'src/teams.ts', [4]);
    const py = 'from myapp.models import Post\n\ndef posts(users, ids):\n    out = []\n    for u in users:\n        out.append(list(Post.objects.filter(id__in=u.post_ids)))\n    for i in range(0, len(ids), 500):\n        Post.objects.filter(id__in=ids[i:i + 500]).delete()\n    return out\n';
    await expectNPlusOne(py, 'app/posts.py', [6]);
  });

  it('Optional.map and a bare map operator are not loops over items', async () => {
    const java = 'import org.springframework.data.jpa.repository.JpaRepository;\nclass S {\n  UserRepository users;\n  OrderRepository orders;\n  Order one(Long id) {\n    return users.findById(id).map(u -> orders.findByUserId(u.getId())).orElse(null);\n  }\n  void all(List<User> list) {\n    list.stream().map(u -> orders.findByUserId(u.getId())).toList();\n  }\n}\n';
    await expectNPlusOne(java, 'src/main/java/S.java', [9]);
  });

  it('slonik sql fragments built per item are no queries', async () => {
    const ts = "import { sql } from '@acme/slonik';\nexport const values = (rows: any[]) => sql.join(rows.map((r) => sql`(${r.a}, ${r.b})`), sql`, `);\n";
    await expectNPlusOne(ts, 'src/q.ts', []);
  });

  it('Django content types are cached per process', async () => {
    const py = 'from django.contrib.contenttypes.models import ContentType\n\ndef types(models):\n    return [ContentType.objects.get_for_model(m) for m in models]\n';
    await expectNPlusOne(py, 'app/types.py', []);
  });

  it('still reports the per-item query next to these', async () => {
    const py = 'from myapp.models import User\n\ndef names(ids):\n    out = []\n    for i in ids:\n        out.append(User.objects.get(id=i).name)\n    return out\n';
    await expectNPlusOne(py, 'app/names.py', [6]);
  });
});

describe('core/nplusone implicit N+1 in DRF serializers', () => {

  it('reports queries in a SerializerMethodField method (once per serialized object)', async () => {
    const py = [
      'from rest_framework import serializers',
      'from myapp.models import Comment',
      '',
      'class PostSerializer(serializers.ModelSerializer):',
      '    comment_count = serializers.SerializerMethodField()',
      '    last_comment = serializers.SerializerMethodField()',
      '    title_upper = serializers.SerializerMethodField()',
      '',
      '    def get_comment_count(self, obj):',
      '        return obj.comments.count()',
      '',
      '    def get_last_comment(self, obj):',
      '        return Comment.objects.filter(post=obj).order_by("-id").first().body',
      '',
      '    def get_title_upper(self, obj):',
      '        return obj.title.upper()',
      '',
    ].join('\n');
    const found = await detectNPlusOne(py, 'api/serializers.py', 'api/serializers.py');
    await expectNPlusOne(py, 'api/serializers.py', [10, 13]);
    assert.ok(found.every((f) => (f.evidence as any).implicit === true));
  });

  it('a queryset evaluated by list()/len()/sorted() in a loop queries per item; one passed as a subquery does not', async () => {
    const py = 'from django.db import models\nfrom shop.models import Review, Book\n\ndef shelves(items):\n    out = []\n    for s in items:\n        out.append(list(Review.objects.filter(shelf=s)))\n        out.append(len(Review.objects.filter(shelf=s)))\n        Book.objects.filter(id__in=Review.objects.filter(shelf=s).values("book"))\n    return out\n';
    // The same query twice in one iteration: one finding for the loop, naming line 8 (person10 N20).
    await expectNPlusOne(py, 'shop/views.py', [7]);
  });

  it('a loop over a constant of the code or its settings runs a fixed number of times; a constant bound to a query does not', async () => {
    const py = 'from django.conf import settings\nfrom django.contrib.auth.models import Group\n\ndef groups(user):\n    for name in settings.REMOTE_DEFAULT_GROUPS:\n        user.groups.add(Group.objects.get(name=name))\n';
    await expectNPlusOne(py, 'app/auth.py', []);
    const ts = "import { TEAM_GROUPS } from './constants';\nimport { prisma } from './db';\nexport async function make(teamId: number) {\n  await Promise.all(TEAM_GROUPS.map((g) => prisma.group.create({ data: { teamId, role: g.role } })));\n}\n";
    await expectNPlusOne(ts, 'src/team.ts', []);
    const rb = 'class Org < ApplicationRecord\n  FIELDS = %i[a b c].freeze\n  ACTIVE_USERS = User.where(active: true)\n  def sync\n    FIELDS.each { |f| Setting.find_by(name: f) }\n    ACTIVE_USERS.each { |u| Audit.create!(user_id: u.id) }\n  end\nend\n';
    await expectNPlusOne(rb, 'app/models/org.rb', [6]);
  });

  it('a name bound in another function is not this loop\'s list', async () => {
    const py = 'from shop.models import Listing\n\ndef defaults():\n    rows = [1, 2]\n    return rows\n\ndef save(variant, rows):\n    for row in rows:\n        Listing.objects.update_or_create(variant=variant, channel=row["channel"])\n';
    await expectNPlusOne(py, 'shop/listings.py', [9]);
  });

  it('Django: related-manager create on any relation name; bulk_* manager methods are batches; lazy querysets handed on or never used', async () => {
    const py = [
      'from shop.models import AttributeValue, Invoice',
      '',
      'def save(attribute, menu, groups, qs, deliveries):',
      '    for value in groups:',
      '        attribute.values.create(**value)',
      '        menu.items.create(name=value)',
      '        AttributeValue.objects.bulk_get_or_create(value)',
      '        found = helper(qs or Invoice.objects.using(qs.db), value)',
      '    for d in deliveries:',
      '        pending = Invoice.objects.filter(pk=d.pk, paid=False)',
      '    for d in deliveries:',
      '        unpaid = Invoice.objects.filter(pk=d.pk, paid=False)',
      '        unpaid.delete()',
      '',
    ];
    // Lines 5 and 6 are the two writes of one loop: one finding for the loop (person10 N20).
    await expectNPlusOne(py, 'shop/mutations.py', [5, 12]);
  });

  it('a money/amount field is not a relation; a *Queries class is a root query mixin', async () => {
    const py = 'import graphene\nfrom shop.models import Payment, Tax\n\ndef cancel():\n    for t in Payment.objects.filter(open=True):\n        print(t.amount_authorized.amount)\n\nclass TaxQueries(graphene.ObjectType):\n    def resolve_tax(_root, info, id):\n        return Tax.objects.filter(pk=id).first()\n';
    await expectNPlusOne(py, 'shop/schema.py', []);
  });

  it('a loop variable named group/page is an item when read field by field, a chunk when handed on whole', async () => {
    const ts = "import { Group, User } from '@server/models';\nexport async function run(mentions: { modelId: string }[], pages: string[][]) {\n  for (const group of mentions) {\n    const g = await Group.findByPk(group.modelId);\n  }\n  for (const page of pages) {\n    await User.findAll({ where: { id: page } });\n  }\n}\n";
    await expectNPlusOne(ts, 'server/tasks/notify.ts', [4]);
  });

  it('JS: record.save() on the loop variable when the file imports its models', async () => {
    const ts = "import { Subscription } from '@server/models';\nexport async function touch(subs: Subscription[]) {\n  for (const sub of subs) {\n    sub.lastNotifiedAt = new Date();\n    await sub.save();\n  }\n}\n";
    await expectNPlusOne(ts, 'server/tasks/touch.ts', [5]);
    // A model named Collection is not a MongoDB collection; db.collection('x') still is.
    const coll = "import { Collection } from '@server/models';\nexport async function idx(collections: Collection[], db: any) {\n  for (const collection of collections) {\n    await collection.save();\n    await db.collection('events').insertOne({ id: collection.id });\n  }\n}\n";
    await expectNPlusOne(coll, 'server/tasks/index.ts', [4]);
  });
});
