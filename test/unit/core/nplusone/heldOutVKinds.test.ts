/**
 * Kinds seen on the eighteenth session's held-out apps (issue 14: held-out-u's and held-out-v's wrong findings — a
 * Django app with huey tasks, Next.js + Prisma routes whose loops call external services first), one small synthetic
 * fixture per kind, written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

describe('N+1 kinds of held-out-v', () => {
  describe('Python: calling a huey task enqueues it; its queries run in the worker', () => {
    const tasks = (decorator: string, imports: string[]): ScanFile => ({
      path: 'notes/jobs.py',
      text: [
        ...imports,
        'from notes.models import Note',
        '',
        '',
        decorator,
        'def _render_preview(note_id):',
        '    note = Note.objects.get(id=note_id)',
        '    note.preview = render(note.url)',
        '    note.save()',
        '',
        '',
        'def render_previews(owner):',
        '    for note in Note.objects.filter(owner=owner):',
        '        _render_preview(note.id)',
        '',
      ],
    });

    it('`@huey.db_task()` and the app\'s own `@task()` in a module importing huey: no N+1 per call', async () => {
      assert.deepEqual(await scanLines([tasks('@huey.db_task()', ['from huey.contrib.djhuey import HUEY as huey'])]), []);
      assert.deepEqual(await scanLines([tasks('@task()', ['from huey import crontab', 'from notes.retry import task'])]), []);
    });

    it('the same function without huey (a plain decorator, or Celery\'s `@shared_task`, which runs inline when called) is one query per note', async () => {
      assert.deepEqual(await scanLines([tasks('@task()', ['from notes.retry import task'])]), ['notes/jobs.py:14 request warning']);
      assert.deepEqual(await scanLines([tasks('@shared_task', ['from celery import shared_task'])]), ['notes/jobs.py:14 job warning']);
    });
  });
  describe('each item first goes to another service (HTTP, mail, payment, storage), then queries: at most a possible N+1', () => {
    const route = (perItem: string[]): ScanFile => ({
      path: 'src/app/api/cron/reap/route.ts',
      text: [
        "import { prisma } from '@acme/database';",
        "import { deleteStripeCustomer } from '@/billing/stripe';",
        "import { sendGoodbyeEmail } from '@/emails';",
        '',
        'export async function GET() {',
        '  const accounts = await prisma.account.findMany({ where: { deletedAt: { not: null } } });',
        '  for (const account of accounts) {',
        ...perItem,
        '  }',
        '  return Response.json({ ok: true });',
        '}',
        '',
      ],
    });

    it('a write after the app\'s Stripe call, after a mail sent, after `fetch`: info, not a warning', async () => {
      assert.deepEqual(await scanLines([route(['    await deleteStripeCustomer(account.customerId);', '    await prisma.account.delete({ where: { id: account.id } });'])]), ['src/app/api/cron/reap/route.ts:9 job info']);
      assert.deepEqual(await scanLines([route(['    await sendGoodbyeEmail({ to: account.email });', '    await prisma.account.update({ where: { id: account.id }, data: { notified: true } });'])]), ['src/app/api/cron/reap/route.ts:9 job info']);
      assert.deepEqual(await scanLines([route(["    const res = await fetch(`https://api.example.com/v1/${account.slug}`);", '    await prisma.account.update({ where: { id: account.id }, data: { ok: res.ok } });'])]), ['src/app/api/cron/reap/route.ts:9 job info']);
    });

    it('a query before the remote call (reading what it needs) stays a warning', async () => {
      assert.deepEqual(await scanLines([route(['    const owner = await prisma.user.findUnique({ where: { id: account.ownerId } });', '    await sendGoodbyeEmail({ to: owner.email });'])]), ['src/app/api/cron/reap/route.ts:8 job warning']);
    });

    it('the same write alone, or with the remote call only in a callback the loop defines, stays a warning', async () => {
      assert.deepEqual(await scanLines([route(['    await prisma.account.delete({ where: { id: account.id } });'])]), ['src/app/api/cron/reap/route.ts:8 job warning']);
      assert.deepEqual(await scanLines([route(['    const later = () => deleteStripeCustomer(account.customerId);', '    await prisma.account.delete({ where: { id: account.id } });', '    queue.push(later);'])]), ['src/app/api/cron/reap/route.ts:9 job warning']);
    });
  });
  describe('DRF: a serializer whose list serializer prefetches the relation its property reads', () => {
    const models: ScanFile = {
      path: 'shelf/models.py',
      text: [
        'from django.db import models',
        '',
        '',
        'class Label(models.Model):',
        '    name = models.CharField(max_length=64)',
        '',
        '',
        'class Link(models.Model):',
        '    url = models.URLField()',
        '    labels = models.ManyToManyField(Label)',
        '',
        '    @property',
        '    def label_names(self):',
        '        return sorted([label.name for label in self.labels.all()])',
        '',
      ],
    };
    const serializers = (listSerializer: string[]): ScanFile => ({
      path: 'shelf/api/serializers.py',
      text: [
        'from django.db.models import prefetch_related_objects',
        'from rest_framework import serializers',
        'from rest_framework.serializers import ListSerializer',
        '',
        'from shelf.models import Link',
        '',
        '',
        'class LinkListSerializer(ListSerializer):',
        '    def to_representation(self, data):',
        ...listSerializer,
        '        return super().to_representation(data)',
        '',
        '',
        'class LinkSerializer(serializers.ModelSerializer):',
        '    class Meta:',
        '        model = Link',
        '        fields = ["id", "url", "label_names"]',
        '        list_serializer_class = LinkListSerializer',
        '',
      ],
    });
    const views: ScanFile = {
      path: 'shelf/api/views.py',
      text: [
        'from rest_framework import viewsets',
        '',
        'from shelf.api.serializers import LinkSerializer',
        'from shelf.models import Link',
        '',
        '',
        'class LinkViewSet(viewsets.ModelViewSet):',
        '    queryset = Link.objects.all()',
        '    serializer_class = LinkSerializer',
        '',
      ],
    };

    it('`prefetch_related_objects(data, "labels")` in the list serializer: no query per row', async () => {
      assert.deepEqual(await scanLines([models, serializers(['        prefetch_related_objects(data, "labels")']), views]), []);
    });

    it('without it, the property read per row is reported', async () => {
      assert.deepEqual(await scanLines([models, serializers(['        data = list(data)']), views]), ['shelf/api/serializers.py:15 request warning']);
    });
  });
});
