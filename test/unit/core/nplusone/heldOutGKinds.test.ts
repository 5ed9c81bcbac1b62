/**
 * Kinds seen on the sixth session's held-out apps (issue 14, held-out-g: two Django REST framework
 * apps and a Rails app with jbuilder views, chosen for implicit N+1), and the start-up call graph
 * left from held-out-e. One small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

/** The 1-based line of an offset in one of the scanned files (for related locations). */
const lineOf = (files: { path: string; text: string }[], file: string | undefined, offset: number) => files.find((x) => x.path === file)!.text.slice(0, offset).split('\n').length;
/** `file:line context severity` of each finding of a scan. */
const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

const MODELS = {
  path: 'shop/models.py',
  text: [
    'from django.db import models',
    'from django.contrib.auth.models import User',
    '',
    'class Tag(models.Model):',
    '    name = models.CharField(max_length=40)',
    '',
    'class Shelf(ExportMixin("shelves"), models.Model):',
    '    name = models.CharField(max_length=40)',
    '',
    'class Book(models.Model):',
    '    title = models.CharField(max_length=200)',
    '    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="books")',
    '    tags = models.ManyToManyField(Tag, blank=True)',
    '    extra = models.JSONField(default=dict)',
    '',
    'class Profile(models.Model):',
    '    user = AutoOneToOneField(User, on_delete=models.CASCADE, primary_key=True)',
    '    shelf = models.ForeignKey(Shelf, null=True, on_delete=models.SET_NULL)',
    '',
  ].join('\n'),
};

const SERIALIZERS = {
  path: 'shop/serializers.py',
  text: [
    'from rest_framework import serializers',
    'from shop.models import Book, Shelf, Tag, Profile',
    '',
    'class ShelfSerializer(serializers.ModelSerializer):',
    '    class Meta:',
    '        model = Shelf',
    '        fields = ("id", "name")',
    '',
    'class ExtraSerializer(serializers.Serializer):',
    '    colour = serializers.CharField()',
    '',
    'class BookSerializer(serializers.ModelSerializer):',
    '    shelf = ShelfSerializer(read_only=True)',
    '    extra = ExtraSerializer(read_only=True)',
    '',
    '    class Meta:',
    '        model = Book',
    '        fields = ("id", "title", "shelf", "tags", "extra")',
    '',
    'class BookFlatSerializer(serializers.ModelSerializer):',
    '    extra = ExtraSerializer(read_only=True)',
    '',
    '    class Meta:',
    '        model = Book',
    '        fields = ("id", "title", "extra")',
    '',
    'class ProfileSerializer(serializers.ModelSerializer):',
    '    shelf = ShelfSerializer()',
    '',
    '    class Meta:',
    '        model = Profile',
    '        fields = ("user", "shelf")',
    '',
  ].join('\n'),
};

const viewsFile = (body: string[]) => ({
  path: 'shop/views.py',
  text: ['from rest_framework import viewsets', 'from shop.models import Book, Profile', 'from shop.serializers import BookSerializer, BookFlatSerializer, ProfileSerializer', '', ...body, ''].join('\n'),
});

describe('core/nplusone kinds seen on held-out-g', () => {
  before(() => useTreeSitterFromNodeModules());

  describe('Django REST framework list views', () => {
    it('a list view whose serializer nests a relation and lists a many-to-many field is reported at its queryset, with the serializer fields related', async () => {
      const views = viewsFile([
        'class BaseViewSet(viewsets.ModelViewSet):',
        '    pass',
        '',
        'class BookViewSet(BaseViewSet):',
        '    queryset = Book.objects.all()',
        '    serializer_class = BookSerializer',
      ]);
      const files = [MODELS, SERIALIZERS, views];
      const found = (await scanNPlusOne(files)).filter((f) => f.file === 'shop/views.py');
      assert.equal(found.length, 1);
      assert.equal(found[0].line, 9);
      assert.match(found[0].message, /BookSerializer reads `shelf`, `tags` for every Book BookViewSet lists/);
      assert.deepEqual(found[0].related?.map((r) => `${r.file}:${lineOf(files, r.file, r.span!.start)}`), ['shop/serializers.py:13', 'shop/serializers.py:16']);
      // In another file a related place goes by its line there: the editor places a span at the finding's own file's
      // offsets (person14 P3's kind: a helper's line under another file's name).
      assert.deepEqual(found[0].related?.map((r) => r.line), [13, 16]);
      assert.match(JSON.stringify(found[0].fixes), /select_related\('shelf'\)\.prefetch_related\('tags'\)/);
      assert.equal((found[0].evidence as { implicit?: boolean }).implicit, true);
    });

    it('a queryset that preloads what the serializer reads (in get_queryset or a Prefetch) is not reported', async () => {
      const views = viewsFile([
        'class BookViewSet(viewsets.ReadOnlyModelViewSet):',
        '    queryset = Book.objects.all()',
        '    serializer_class = BookSerializer',
        '',
        '    def get_queryset(self):',
        '        return self.queryset.select_related("shelf").prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))',
      ]);
      assert.deepEqual(await scanLines([MODELS, SERIALIZERS, views]), []);
    });

    it('a nested serializer over a JSON column is no relation; a view that does not list, or lists one row by a one-to-one, is not reported', async () => {
      const views = viewsFile([
        'class FlatViewSet(viewsets.ModelViewSet):',
        '    queryset = Book.objects.all()',
        '    serializer_class = BookFlatSerializer',
        '',
        'class OneBookView(generics.RetrieveAPIView):',
        '    queryset = Book.objects.all()',
        '    serializer_class = BookSerializer',
        '',
        'class ProfileViewSet(viewsets.ModelViewSet):',
        '    queryset = Profile.objects',
        '    serializer_class = ProfileSerializer',
        '',
        '    def get_queryset(self):',
        '        return self.queryset.filter(user=self.request.user)',
      ]);
      assert.deepEqual(await scanLines([MODELS, SERIALIZERS, views]), []);
    });

    it('serializer_class named through its module is read; preloads computed at run time in a project base class count as preloading all', async () => {
      const listed = viewsFile([
        'from shop import serializers',
        '',
        'class BookViewSet(viewsets.ModelViewSet):',
        '    queryset = Book.objects.all()',
        '    serializer_class = serializers.BookSerializer',
      ]);
      assert.deepEqual(await scanLines([MODELS, SERIALIZERS, listed]), ['shop/views.py:8 request warning']);
      const dynamic = viewsFile([
        'class BaseViewSet(viewsets.ModelViewSet):',
        '    def get_queryset(self):',
        '        qs = super().get_queryset()',
        '        if prefetch := prefetches_for(self.get_serializer_class()):',
        '            qs = qs.prefetch_related(*prefetch)',
        '        return qs',
        '',
        'class BookViewSet(BaseViewSet):',
        '    queryset = Book.objects.all()',
        '    serializer_class = serializers.BookSerializer',
      ]);
      assert.deepEqual(await scanLines([MODELS, SERIALIZERS, dynamic]), []);
    });

    it('the serializer a list handler sets at run time (self.serializer_class = …) is the one read', async () => {
      const views = viewsFile([
        'class TrashView(ListModelMixin, GenericAPIView):',
        '    queryset = Book.deleted_objects.all()',
        '    serializer_class = TrashSerializer',
        '',
        '    def get(self, request):',
        '        self.serializer_class = BookSerializer',
        '        return self.list(request)',
      ]);
      assert.deepEqual(await scanLines([MODELS, SERIALIZERS, views]), ['shop/views.py:6 request warning']);
    });
  });

  describe('serializer method fields', () => {
    const serializer = (body: string[]) => ({
      path: 'shop/api/serializers.py',
      text: ['from django.db.models import Q', 'from rest_framework import serializers', 'from drf_spectacular.utils import extend_schema_field', 'from shop.models import Book, Shelf', '', ...body, ''].join('\n'),
    });

    it('a decorated get_ method, and a method named in SerializerMethodField("…"), run once per object', async () => {
      const s = serializer([
        'class ShelfSerializer(serializers.ModelSerializer):',
        '    book_count = serializers.SerializerMethodField()',
        '    busy = serializers.SerializerMethodField("in_use")',
        '',
        '    @extend_schema_field(int)',
        '    def get_book_count(self, obj):',
        '        return Book.objects.filter(shelf=obj).count()',
        '',
        '    def in_use(self, obj):',
        '        return obj.loans.count() > 0',
      ]);
      assert.deepEqual(await scanLines([s]), ['shop/api/serializers.py:12 request warning', 'shop/api/serializers.py:15 request warning']);
    });

    it('an __in filter in a per-object method narrows by other values: still one query per object; a relation passed as a filter value is a subquery', async () => {
      const s = serializer([
        'class ShelfSerializer(serializers.ModelSerializer):',
        '    def get_lent(self, obj):',
        '        users = self.context["user_ids"]',
        '        return Book.objects.filter(Q(id__in=obj.books.all())).filter(borrower__id__in=users).exists()',
      ]);
      assert.deepEqual(await scanLines([s]), ['shop/api/serializers.py:9 request warning']);
    });

    it('a fallback for a value the list query computed (an annotation or a prefetch cache) is not one query per object', async () => {
      const s = serializer([
        'class ShelfSerializer(serializers.ModelSerializer):',
        '    def get_book_count(self, obj):',
        '        return getattr(obj, "book_total", None) or obj.books.count()',
        '',
        '    def get_recent(self, obj):',
        '        prefetched = getattr(obj, "_prefetched_objects_cache", {}).get("books")',
        '        if prefetched is not None:',
        '            books = prefetched',
        '        else:',
        '            books = list(Book.objects.filter(shelf=obj).only("id"))',
        '        return [b.id for b in books]',
        '',
        '    def get_first_title(self, obj):',
        '        return obj.books.first() or obj.title',
      ]);
      assert.deepEqual(await scanLines([s]), ['shop/api/serializers.py:19 request warning']);
    });

    it('a custom manager of the model (Model.<x>_objects) is a query', async () => {
      const s = serializer([
        'class TaskSerializer(serializers.ModelSerializer):',
        '    def get_duplicate(self, obj):',
        '        return list(Book.global_objects.filter(pk=obj.duplicate_of).values("id"))',
      ]);
      assert.deepEqual(await scanLines([s]), ['shop/api/serializers.py:8 request warning']);
    });
  });

  describe('jbuilder', () => {
    const app = (partial: string[]) => [
      { path: 'app/models/rule.rb', text: 'class Rule < ApplicationRecord\n  belongs_to :user\nend\n' },
      { path: 'app/controllers/api/rules_controller.rb', text: ['class Api::RulesController < ApplicationController', '  def index', '    @user = current_user', '    @rules = @user.rules', '  end', 'end', ''].join('\n') },
      { path: 'app/views/api/rules/index.json.jbuilder', text: 'json.array!(@rules) do |rule|\n  json.partial! "api/rules/rule", rule: rule\nend\n' },
      { path: 'app/views/api/rules/_rule.json.jbuilder', text: partial.join('\n') + '\n' },
    ];

    it('a partial rendered per item with the item as a local, building a query on it, is one query per item (reported at the controller)', async () => {
      const files = app(['feed_ids = rule.user.subscriptions.where(feed_id: rule.feed_ids).pluck(:feed_id)', 'json.extract! rule, :id, :title', 'json.feed_ids feed_ids']);
      const found = await scanNPlusOne(files);
      assert.deepEqual(found.map((f) => `${f.file}:${f.line}`), ['app/controllers/api/rules_controller.rb:4']);
      assert.match(found[0].message, /_rule\.json\.jbuilder:1 runs `rule\.user\.subscriptions\.where` once per item of `@rules`/);
    });

    it('a count on an association in an ERB loop is a COUNT per item even when the controller preloads it', async () => {
      const files = [
        { path: 'app/models/audit.rb', text: 'class Audit < ApplicationRecord\n  has_many :line_items\nend\n' },
        { path: 'app/controllers/audits_controller.rb', text: 'class AuditsController < ApplicationController\n  def index\n    @audits = Audit.includes(:line_items).where(org: current_org)\n  end\nend\n' },
        { path: 'app/views/audits/index.html.erb', text: '<% @audits.each do |audit| %>\n  <td><%= audit.line_items.size %></td>\n  <td><%= pluralize(audit.line_items.count, "item") %></td>\n<% end %>\n' },
      ];
      assert.deepEqual(await scanLines(files), ['app/controllers/audits_controller.rb:3 request warning']);
    });

    it('the owner the collection came from, and plain attributes, are no query', async () => {
      assert.deepEqual(await scanLines(app(['json.extract! rule, :id, :title', 'json.owner rule.user.name'])), []);
    });
  });

  describe('start-up code across files', () => {
    const goCheck = {
      path: 'server/plugin/tool/check.go',
      text: [
        'package tool',
        '',
        'import "example.com/app/server/global"',
        '',
        'func RegisterRoutes(routes []Route) {',
        '\tfor _, r := range routes {',
        '\t\tglobal.APP_DB.Where("path = ?", r.Path).FirstOrCreate(&r)',
        '\t}',
        '}',
        '',
      ].join('\n'),
    };
    const goInit = { path: 'server/plugin/shop/initialize/routes.go', text: 'package initialize\n\nimport "example.com/app/server/plugin/tool"\n\nfunc Routes() {\n\ttool.RegisterRoutes(all)\n}\n' };

    it('a Go function called only from initialize/ code runs once per boot: script context, info', async () => {
      assert.deepEqual(await scanLines([goCheck, goInit]), ['server/plugin/tool/check.go:7 script info']);
    });

    it('a setup/ folder is no start-up code (apps name per-request set-up actions so)', async () => {
      const setup = { path: 'server/setup/server_setup.go', text: 'package setup\n\nimport "example.com/app/server/plugin/tool"\n\nfunc SetupServer() {\n\ttool.RegisterRoutes(all)\n}\n' };
      assert.deepEqual(await scanLines([goCheck, setup]), ['server/plugin/tool/check.go:7 request warning']);
    });

    it('the same function also called from a request handler stays request code', async () => {
      const api = { path: 'server/api/routes.go', text: 'package api\n\nimport "example.com/app/server/plugin/tool"\n\nfunc (a *Api) Sync(c *gin.Context) {\n\ttool.RegisterRoutes(a.routes)\n}\n' };
      assert.deepEqual(await scanLines([goCheck, goInit, api]), ['server/plugin/tool/check.go:7 request warning']);
    });

    const tsJobs = {
      path: 'packages/server/src/utils/backups/index.ts',
      text: [
        'import { db } from "../db";',
        'import { scheduleJob } from "node-schedule";',
        '',
        'export const initBackupJobs = async () => {',
        '  const backups = await db.query.backups.findMany();',
        '  for (const b of backups) {',
        '    await db.update(backups).set({ scheduled: true }).where(eq(backups.id, b.id));',
        '  }',
        '  scheduleJob("tick", "* * * * *", async () => {',
        '    for (const b of backups) {',
        '      await db.update(backups).set({ ranAt: new Date() }).where(eq(backups.id, b.id));',
        '    }',
        '  });',
        '};',
        '',
      ].join('\n'),
    };

    it('a TypeScript function called only at start-up (module level, in a promise callback) is script code, but its scheduled callback is not', async () => {
      const server = { path: 'apps/web/server/server.ts', text: 'import { initBackupJobs } from "@app/server";\n\napp.prepare().then(async () => {\n  createServer((req, res) => handle(req, res)).listen(3000);\n  await initBackupJobs();\n});\n' };
      assert.deepEqual(await scanLines([tsJobs, server]), ['packages/server/src/utils/backups/index.ts:11 request warning', 'packages/server/src/utils/backups/index.ts:7 script info']);
    });

    it('called from a router procedure as well, it stays request code', async () => {
      const server = { path: 'apps/web/server/server.ts', text: 'import { initBackupJobs } from "@app/server";\n\napp.prepare().then(async () => {\n  await initBackupJobs();\n});\n' };
      const router = { path: 'apps/web/server/api/routers/backup.ts', text: 'import { initBackupJobs } from "@app/server";\n\nexport const backupRouter = createTRPCRouter({\n  reset: protectedProcedure.mutation(async () => {\n    await initBackupJobs();\n  }),\n});\n' };
      assert.deepEqual(await scanLines([tsJobs, server, router]), ['packages/server/src/utils/backups/index.ts:11 request warning', 'packages/server/src/utils/backups/index.ts:7 request warning']);
    });
  });
});
