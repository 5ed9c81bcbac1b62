/**
 * Kinds seen on the seventh session's held-out apps (issue 14, held-out-j: a NestJS GraphQL server
 * on Prisma, a Django REST framework app and a Rails app with active_model_serializers, chosen for
 * implicit N+1). One small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

/** `file:line` of each finding of a scan. */
const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line}`).sort();

const TEAM_SERVICE: ScanFile = {
  path: 'src/team/team.service.ts',
  text: [
    "import { Injectable } from '@nestjs/common';",
    "import { PrismaService } from '../prisma/prisma.service';",
    '',
    '@Injectable()',
    'export class TeamService {',
    '  constructor(private readonly prisma: PrismaService) {}',
    '',
    '  async members(teamId: string) {',
    '    return this.prisma.team.findUnique({ where: { id: teamId } }).members();',
    '  }',
    '}',
    '',
  ].join('\n'),
};

describe('n-plus-one: kinds seen on held-out-j (implicit N+1: GraphQL resolvers, DRF, active_model_serializers)', () => {
  useTreeSitterFromNodeModules();

  it('a call on a constructor-injected service resolves to that service, though another class defines a method of the same name that does not query', async () => {
    const room: ScanFile = { path: 'src/chat/room.ts', text: 'export class Room {\n  private list: string[] = [];\n  members(): string[] {\n    return this.list;\n  }\n}\n' };
    const resolver: ScanFile = {
      path: 'src/team/team.resolver.ts',
      text: [
        "import { Parent, ResolveField, Resolver } from '@nestjs/graphql';",
        "import { TeamService } from './team.service';",
        '',
        '@Resolver(() => Team)',
        'export class TeamResolver {',
        '  constructor(private readonly teamService: TeamService) {}',
        '',
        '  @Query(() => [Team])',
        '  teams() {',
        '    return this.teamService.all();',
        '  }',
        '',
        '  @ResolveField(() => [User])',
        '  async members(@Parent() team: Team) {',
        '    return this.teamService.members(team.id);',
        '  }',
        '}',
        '',
      ].join('\n'),
    };
    assert.deepEqual(await scanLines([TEAM_SERVICE, room, resolver]), ['src/team/team.resolver.ts:15']);
    // The same call on a variable typed as the class that does not query is no database call.
    const roomUser: ScanFile = {
      path: 'src/chat/lobby.ts',
      text: "import { Room } from './room';\n\nexport function sizes(rooms: string[], room: Room) {\n  return rooms.map((r) => room.members().length + r.length);\n}\n",
    };
    assert.deepEqual(await scanLines([TEAM_SERVICE, room, roomUser]), []);
  });

  it('a call with TS type arguments after await (`await this.blocks.findByType<T>(…)`) is a call of that name: the resolver reaches the query two services down', async () => {
    const blocks: ScanFile = {
      path: 'src/block/block.service.ts',
      text: "export class BlockService {\n  constructor(private readonly prisma: PrismaService) {}\n  async findByType<T>(args: Args, kind: string): Promise<T[]> {\n    const rows = await this.prisma.block.findMany({ ...args, where: { ...args.where, kind } });\n    return rows as T[];\n  }\n}\n",
    };
    const settings: ScanFile = {
      path: 'src/settings/settings.service.ts',
      text: "export class SettingsService {\n  constructor(private readonly blockService: BlockService) {}\n  async settingsOf(resourceId: string): Promise<Settings> {\n    const [first] = await this.blockService.findByType<Settings>({ where: { resourceId } }, 'settings');\n    return first;\n  }\n}\n",
    };
    const resolver: ScanFile = {
      path: 'src/resource/resource.resolver.ts',
      text: "@Resolver(() => Resource)\nexport class ResourceResolver {\n  constructor(private readonly settingsService: SettingsService) {}\n\n  @ResolveField(() => Settings)\n  async settings(@Parent() resource: Resource) {\n    return this.settingsService.settingsOf(resource.id);\n  }\n}\n",
    };
    assert.deepEqual(await scanLines([blocks, settings, resolver]), ['src/resource/resource.resolver.ts:7']);
  });

  it('a field resolver of a GraphQL type no list reaches runs once per request; one reached through a list field, an interface or a generic resolver runs per parent', async () => {
    const service: ScanFile = {
      path: 'src/job/job.service.ts',
      text: "export class JobService {\n  constructor(private readonly prisma: PrismaService) {}\n  async stepsOf(jobId: string) {\n    return this.prisma.step.findMany({ where: { jobId } });\n  }\n}\n",
    };
    const resolver = (type: string, root: string): ScanFile => ({
      path: `src/job/${type.toLowerCase()}.resolver.ts`,
      text: [
        `@Resolver(() => ${type})`,
        `export class ${type}Resolver {`,
        '  constructor(private readonly jobService: JobService) {}',
        '',
        root,
        `  async one(@Args() args: FindOne): Promise<${type}> {`,
        '    return this.jobService.find(args);',
        '  }',
        '',
        '  @ResolveField(() => [Step])',
        `  async steps(@Parent() job: ${type}) {`,
        '    return this.jobService.stepsOf(job.id);',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    // `job(id)` returns one Job and nothing lists jobs: steps() runs once per request.
    assert.deepEqual(await scanLines([service, resolver('Job', `  @Query(() => Job)`)]), []);
    // `jobs` returns a list of them: once per Job.
    assert.deepEqual(await scanLines([service, resolver('Job', `  @Query(() => [Job])`)]), ['src/job/job.resolver.ts:12']);
    // A list of another type whose field is a Job: once per parent of that list.
    const run: ScanFile = { path: 'src/run/run.model.ts', text: "@ObjectType()\nexport class Run {\n  @Field(() => Job)\n  job: Job;\n}\n\n@ObjectType()\nexport class Page {\n  @Field(() => [Run])\n  runs: Run[];\n}\n" };
    assert.deepEqual(await scanLines([service, resolver('Job', `  @Query(() => Job)`), run]), ['src/job/job.resolver.ts:12']);
    // A generic resolver listing a class given at run time (`[classRef]`): kept.
    assert.deepEqual(await scanLines([service, resolver('Job', `  @Query(() => [classRef])`)]), ['src/job/job.resolver.ts:12']);
  });

  const SERIALIZERS: ScanFile = {
    path: 'shop/serializers.py',
    text: [
      'from rest_framework import serializers',
      'from shop.models import Book, Invite, Profile',
      '',
      'class MeSerializer(serializers.ModelSerializer):',
      '    invites = serializers.SerializerMethodField()',
      '',
      '    def get_invites(self, obj):',
      '        return Invite.objects.filter(email=obj.email).count()',
      '',
      'class BookListSerializer(serializers.ModelSerializer):',
      '    tag_ids = serializers.SerializerMethodField()',
      '',
      '    def get_tag_ids(self, obj):',
      '        return [t.id for t in obj.tags.all()]',
      '',
    ].join('\n'),
  };
  const view = (body: string[]): ScanFile => ({
    path: 'shop/views.py',
    text: ['from shop.serializers import (', '    BookListSerializer,', '    MeSerializer,', ')', '', 'class Endpoint(APIView):', '    def get(self, request):', ...body, ''].join('\n'),
  });

  it('a DRF serializer the project builds only for one object (the current user) runs its method fields once per request', async () => {
    const one = view(['        return Response(MeSerializer(request.user).data)']);
    assert.deepEqual(await scanLines([SERIALIZERS, one]), ['shop/serializers.py:14']);
    // Listed somewhere (many=True), or named as a view's serializer_class: once per object.
    const many = view(['        return Response(MeSerializer(User.objects.all(), many=True).data)']);
    assert.deepEqual(await scanLines([SERIALIZERS, many]), ['shop/serializers.py:14', 'shop/serializers.py:8']);
    const cls: ScanFile = { path: 'shop/api.py', text: 'from shop.serializers import MeSerializer\n\nclass People(ListAPIView):\n    serializer_class = MeSerializer\n' };
    assert.deepEqual(await scanLines([SERIALIZERS, one, cls]), ['shop/serializers.py:14', 'shop/serializers.py:8']);
  });

  it('a relation a DRF serializer method reads is no query per object when every file using the serializer preloads it', async () => {
    const preloads = view([
      '        books = Book.objects.filter(shelf=request.user.shelf).prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))',
      '        return Response(BookListSerializer(books, many=True).data)',
    ]);
    // (MeSerializer, used nowhere here, keeps its finding: line 8.)
    assert.deepEqual(await scanLines([SERIALIZERS, preloads]), ['shop/serializers.py:8']);
    // Another user of the serializer lists books without it: the read is one query per book there.
    const export_: ScanFile = { path: 'shop/tasks.py', text: 'from shop.serializers import BookListSerializer\n\ndef export_books():\n    return BookListSerializer(Book.objects.all(), many=True).data\n' };
    assert.deepEqual(await scanLines([SERIALIZERS, preloads, export_]), ['shop/serializers.py:14', 'shop/serializers.py:8']);
  });

  it("a DRF serializer's own to_representation(self, instance) runs once per object (not a ListSerializer's, which gets the list)", async () => {
    const ser: ScanFile = {
      path: 'shop/book_serializers.py',
      text: [
        'from rest_framework import serializers',
        'from shop.models import Book, BookTag',
        '',
        'class BookSerializer(serializers.ModelSerializer):',
        '    def to_representation(self, instance):',
        '        data = super().to_representation(instance)',
        '        data["tags"] = [str(t) for t in BookTag.objects.filter(book=instance).values_list("tag_id", flat=True)]',
        '        return data',
        '',
        'class BookListSerializer(serializers.ListSerializer):',
        '    def to_representation(self, data):',
        '        ids = BookTag.objects.filter(book__in=data).values_list("tag_id", flat=True)',
        '        return super().to_representation(data)',
        '',
      ].join('\n'),
    };
    const use: ScanFile = { path: 'shop/book_views.py', text: 'from shop.book_serializers import BookSerializer\n\nclass Books(APIView):\n    def get(self, request):\n        return Response(BookSerializer(Book.objects.all(), many=True).data)\n' };
    const found = await scanNPlusOne([ser, use]);
    assert.deepEqual(found.map((f) => `${f.file}:${f.line}`), ['shop/book_serializers.py:7']);
    assert.equal((found[0].evidence as { loop?: string }).loop, "BookSerializer.to_representation (to_representation, once per object)");
  });

  it('an ActiveModel::Serializer method querying through the record\'s association (a filtered relation, a count) runs per object; Enumerable sum over the loaded association does not query', async () => {
    const ser: ScanFile = {
      path: 'app/serializers/api/order_serializer.rb',
      text: [
        'module Api',
        '  class OrderSerializer < ActiveModel::Serializer',
        '    attributes :number, :item_count, :quantity, :payments',
        '',
        '    def payments',
        '      object.payments.joins(:payment_method).where(state: %w(completed pending))',
        '    end',
        '',
        '    def item_count',
        '      object.line_items.count',
        '    end',
        '',
        '    def quantity',
        '      object.line_items.sum(&:quantity)',
        '    end',
        '',
        '    def paid',
        '      object.payments.size',
        '    end',
        '  end',
        'end',
        '',
      ].join('\n'),
    };
    const model: ScanFile = { path: 'app/models/order.rb', text: 'class Order < ApplicationRecord\n  has_many :payments\n  has_many :line_items\nend\n' };
    assert.deepEqual(await scanLines([ser, model]), ['app/serializers/api/order_serializer.rb:10', 'app/serializers/api/order_serializer.rb:6']);
  });

  it('a DRF view with only get_queryset() that serializes it with many=True is judged like a list view (at its select_related); fields = "__all__" lists no reverse relation', async () => {
    const models: ScanFile = {
      path: 'desk/models.py',
      text: [
        'from django.db import models',
        '',
        'class Queue(models.Model):',
        '    name = models.CharField(max_length=40)',
        '',
        'class Ticket(models.Model):',
        '    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="tickets")',
        '    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)',
        '',
      ].join('\n'),
    };
    const serializers: ScanFile = {
      path: 'desk/api/serializers.py',
      text: [
        'from rest_framework import serializers',
        'from desk.models import Queue, Ticket',
        '',
        'class TicketSerializer(serializers.ModelSerializer):',
        '    queue_name = serializers.CharField(source="queue.name", read_only=True)',
        '',
        '    class Meta:',
        '        model = Ticket',
        '        fields = "__all__"',
        '',
        'class QueueSerializer(serializers.ModelSerializer):',
        '    class Meta:',
        '        model = Queue',
        '        fields = "__all__"',
        '',
      ].join('\n'),
    };
    // The same name in another package: the view's import says which one it means.
    const other: ScanFile = { path: 'desk/app/serializers.py', text: 'from rest_framework import serializers\n\nclass TicketSerializer(serializers.Serializer):\n    id = serializers.IntegerField()\n' };
    const views: ScanFile = {
      path: 'desk/api/views.py',
      text: [
        'from rest_framework.views import APIView',
        'from desk.api.serializers import (',
        '    QueueSerializer,',
        '    TicketSerializer,',
        ')',
        '',
        'class TicketList(APIView):',
        '    serializer_class = TicketSerializer',
        '',
        '    def get_queryset(self):',
        '        return (',
        '            Ticket.objects.filter(owner=self.request.user)',
        '            .select_related("owner")',
        '        )',
        '',
        '    def get(self, request):',
        '        return self.paginate(request, queryset=self.get_queryset(), on_results=lambda rows: TicketSerializer(rows, many=True).data)',
        '',
        'class QueueList(APIView):',
        '    def get_queryset(self):',
        '        return Queue.objects.all()',
        '',
        '    def get(self, request):',
        '        return Response(QueueSerializer(self.get_queryset(), many=True).data)',
        '',
      ].join('\n'),
    };
    const found = await scanNPlusOne([models, serializers, other, views]);
    assert.deepEqual(found.map((f) => `${f.file}:${f.line}`), ['desk/api/views.py:13']);
    assert.match(found[0].message, /TicketSerializer reads `queue`/);
  });

  it('a query on a model held in a variable inside a serializer method field (the model picked from a mapping per object) runs once per object', async () => {
    const ser: ScanFile = {
      path: 'feed/serializers.py',
      text: [
        'from rest_framework import serializers',
        'from feed.models import Bookmark, Note, Photo',
        '',
        'KINDS = {"note": Note, "photo": Photo}',
        '',
        'class BookmarkSerializer(serializers.ModelSerializer):',
        '    target = serializers.SerializerMethodField()',
        '',
        '    def get_target(self, obj):',
        '        entity_model = KINDS.get(obj.kind)',
        '        if entity_model is None:',
        '            return None',
        '        return str(entity_model.objects.get(pk=obj.target_id))',
        '',
        '    class Meta:',
        '        model = Bookmark',
        '        fields = ["id", "target"]',
        '',
      ].join('\n'),
    };
    assert.deepEqual(await scanLines([ser]), ['feed/serializers.py:13']);
  });

  it('a list viewset with only get_queryset() is judged with its serializer_class; a model property that queries (through a mixin and a helper of its file) read per row is reported at the serializer field', async () => {
    const mixins: ScanFile = {
      path: 'gym/utils/models.py',
      text: [
        'from django.db import models',
        '',
        'class HistoryMixin:',
        '    @property',
        '    def editors(self):',
        '        return collect_editors(self)',
        '',
        'def collect_editors(model):',
        '    return set(model.history.values_list("editor", flat=True))',
        '',
      ].join('\n'),
    };
    const models: ScanFile = {
      path: 'gym/models.py',
      text: [
        'from django.db import models',
        'from gym.utils.models import HistoryMixin',
        '',
        'class Coach(models.Model):',
        '    name = models.CharField(max_length=40)',
        '',
        'class Lesson(HistoryMixin, models.Model):',
        '    coach = models.ForeignKey(Coach, on_delete=models.CASCADE)',
        '    title = models.CharField(max_length=40)',
        '',
        '    @property',
        '    def label(self):',
        '        return self.title.upper()',
        '',
      ].join('\n'),
    };
    const ser: ScanFile = {
      path: 'gym/serializers.py',
      text: [
        'from rest_framework import serializers',
        'from gym.models import Coach, Lesson',
        '',
        'class CoachSerializer(serializers.ModelSerializer):',
        '    class Meta:',
        '        model = Coach',
        '        fields = ["id", "name"]',
        '',
        'class LessonSerializer(serializers.ModelSerializer):',
        '    coach = CoachSerializer(read_only=True)',
        '    editors = serializers.ListSerializer(child=serializers.CharField(), read_only=True)',
        '',
        '    class Meta:',
        '        model = Lesson',
        '        fields = ["id", "coach", "editors", "label"]',
        '',
      ].join('\n'),
    };
    const views: ScanFile = {
      path: 'gym/views.py',
      text: [
        'from rest_framework import viewsets',
        'from gym.serializers import LessonSerializer',
        '',
        'class LessonViewSet(viewsets.ReadOnlyModelViewSet):',
        '    serializer_class = LessonSerializer',
        '',
        '    def get_queryset(self):',
        '        return Lesson.objects.filter(coach__name=self.request.query_params.get("coach"))',
        '',
      ].join('\n'),
    };
    const found = await scanNPlusOne([mixins, models, ser, views]);
    assert.deepEqual(found.map((f) => `${f.file}:${f.line}`).sort(), ['gym/serializers.py:11', 'gym/views.py:8']);
    assert.match(found.find((f) => f.file === 'gym/views.py')!.message, /LessonSerializer reads `coach`/);
    assert.match(found.find((f) => f.file === 'gym/serializers.py')!.message, /property `editors`/);
  });

  it("in a serializer's to_representation: super() is the parent's method, a fetch only when the list's parent did not hand the rows over is a fallback, a ContentType-style get_for_model is cached", async () => {
    const ser: ScanFile = {
      path: 'docs/serializers.py',
      text: [
        'from rest_framework import serializers',
        'from docs.models import Doc',
        'from django.contrib.contenttypes.models import ContentType',
        'from docs.helpers import load_docs',
        '',
        'class DocListSerializer(serializers.ListSerializer):',
        '    def to_representation(self, data):',
        '        self.child.context["docs"] = load_docs([x["id"] for x in data])',
        '        return super().to_representation(data)',
        '',
        'class HitSerializer(serializers.Serializer):',
        '    @staticmethod',
        '    def fetch_docs(ids):',
        '        return {d.id: d for d in Doc.objects.select_related("owner").prefetch_related("tags").filter(id__in=ids)}',
        '',
        '    def to_representation(self, hit):',
        '        docs = self.context.get("docs")',
        '        if docs is None:',
        '            docs = self.fetch_docs([hit["id"]])',
        '        kind = ContentType.objects.get_for_model(docs[hit["id"]])',
        '        return super().to_representation(docs[hit["id"]])',
        '',
      ].join('\n'),
    };
    const other: ScanFile = { path: 'docs/helpers.py', text: 'from docs.models import Doc\n\ndef load_docs(ids):\n    return {d.id: d for d in Doc.objects.filter(pk=ids[0])}\n' };
    assert.deepEqual(await scanLines([ser, other]), []);
  });
});
