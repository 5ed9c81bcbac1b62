/**
 * Implicit N+1 on Django (issue 14, djt22, held-out-x's Python kinds): Django templates rendered by views over a
 * queryset that does not select_related/prefetch_related what the template reads per item; third-party many-to-many
 * managers (django-taggit's TaggableManager) read per row by DRF serializers (TagListSerializerField); a serializer
 * built for one object through `self.serializer_class(obj)`; a post_migrate handler's context. One small fixture per
 * kind, written in the idiom, not copied from the apps. Fails on 16fe76c2.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const lines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

const MODELS: ScanFile = {
  path: 'diary/models.py',
  text: [
    'from django.db import models',
    'from taggit.managers import TaggableManager',
    '',
    '',
    'class Baby(models.Model):',
    '    name = models.CharField(max_length=50)',
    '    slug = models.SlugField()',
    '',
    '',
    'class Meal(models.Model):',
    '    baby = models.ForeignKey("Baby", on_delete=models.CASCADE, related_name="meals")',
    '    start = models.DateTimeField()',
    '    notes = models.TextField(blank=True)',
    '    tags = TaggableManager(blank=True)',
    '',
  ],
};

describe('N+1 kinds of held-out-x (Django)', () => {
  describe('django-taggit: TaggableManager is a many-to-many, TagListSerializerField reads it per row', () => {
    const serializers = (field: string): ScanFile => ({
      path: 'diary/api/serializers.py',
      text: [
        'from rest_framework import serializers',
        'from taggit.serializers import TaggitSerializer, TagListSerializerField',
        '',
        'from diary import models',
        '',
        '',
        'class TaggedSerializer(TaggitSerializer, serializers.ModelSerializer):',
        `    tags = ${field}`,
        '',
        '',
        'class MealSerializer(TaggedSerializer):',
        '    class Meta:',
        '        model = models.Meal',
        '        fields = ("id", "baby", "start", "tags")',
        '',
      ],
    });
    const views = (qs: string): ScanFile => ({
      path: 'diary/api/views.py',
      text: [
        'from rest_framework import viewsets',
        '',
        'from diary import models',
        'from . import serializers',
        '',
        '',
        'class MealViewSet(viewsets.ModelViewSet):',
        `    queryset = ${qs}`,
        '    serializer_class = serializers.MealSerializer',
        '',
      ],
    });

    it('a list viewset over `models.Meal.objects.all()`: reported at its queryset, the fix prefetch_related("tags")', async () => {
      const f = (await scanNPlusOne([MODELS, serializers('TagListSerializerField(required=False)'), views('models.Meal.objects.all()')])).filter((x) => x.file === 'diary/api/views.py');
      assert.deepEqual(f.map((x) => `${x.line} ${x.severity}`), ['8 warning']);
      assert.match(f[0].help ?? '', /prefetch_related\('tags'\)/);
    });

    it('silent when the queryset prefetches the tags, or the field is a plain CharField', async () => {
      assert.deepEqual(await lines([MODELS, serializers('TagListSerializerField(required=False)'), views('models.Meal.objects.prefetch_related("tags")')]), []);
      assert.deepEqual(await lines([MODELS, serializers('serializers.CharField(required=False)'), views('models.Meal.objects.all()')]), []);
    });
  });
});

describe('N+1 in Django templates (held-out-x kind 6)', () => {
  const tagList: ScanFile = { path: 'diary/templates/diary/tag_list.html', text: ['{% for tag in tags %}<span>{{ tag.name }}</span>{% empty %}-{% endfor %}', ''] };
  const listTemplate: ScanFile = {
    path: 'diary/templates/diary/meal_list.html',
    text: [
      '{% extends "diary/base.html" %}',
      '{% block content %}',
      '{% comment %}{% for m in object_list %}{{ m.baby.name }}{% endfor %}{% endcomment %}',
      '{% for meal in object_list %}',
      '  <a href="{% url \'diary:baby\' meal.baby.slug %}">{{ meal.start|date }}</a>',
      '  {% include "diary/tag_list.html" with tags=meal.tags.all %}',
      '{% endfor %}',
      '{% endblock %}',
      '',
    ],
  };
  const base: ScanFile = { path: 'diary/templates/diary/base.html', text: ['<html>{% block content %}{% endblock %}</html>', ''] };
  const views = (body: string[]): ScanFile => ({
    path: 'diary/views.py',
    text: [
      'from django.shortcuts import get_object_or_404, render',
      'from django.views.generic import DetailView, ListView',
      'from django_filters.views import FilterView',
      '',
      'from diary import models',
      '',
      '',
      'class PagedFilterView(FilterView):',
      '    paginate_by = 25',
      '',
      '',
      ...body,
      '',
    ],
  });
  const run = async (body: string[], extra: ScanFile[] = []) => (await scanNPlusOne([MODELS, base, tagList, listTemplate, views(body), ...extra]))
    .map((f) => `${f.file}:${f.line} ${f.related?.[0]?.file}:${f.related?.[0]?.line} ${(f.evidence as { rewrite: { title: string } }).rewrite.title}`).sort();

  it('a list view through the app\'s own FilterView base (`model =`, default template): the ForeignKey and the tags read per row, at the model line', async () => {
    assert.deepEqual(await run(['class MealList(PagedFilterView):', '    model = models.Meal']), [
      "diary/views.py:13 diary/templates/diary/meal_list.html:5 Load Meal.baby with the queryset: .select_related('baby')",
      "diary/views.py:13 diary/templates/diary/meal_list.html:6 Load Meal.tags with the queryset: .prefetch_related('tags')",
    ]);
  });

  it('a queryset or get_queryset that loads them is silent; one that loads only the baby keeps the tags, at its return', async () => {
    assert.deepEqual(await run(['class MealList(ListView):', '    queryset = models.Meal.objects.select_related("baby").prefetch_related("tags")', '    template_name = "diary/meal_list.html"']), []);
    assert.deepEqual(await run([
      'class MealList(ListView):',
      '    model = models.Meal',
      '',
      '    def get_queryset(self):',
      '        return super().get_queryset().select_related("baby")',
    ]), ["diary/views.py:16 diary/templates/diary/meal_list.html:6 Load Meal.tags with the queryset: .prefetch_related('tags')"]);
  });

  it('render(request, name, context) with a queryset; a detail page\'s one object is read once, its reverse relation per item', async () => {
    const detail: ScanFile = {
      path: 'diary/templates/diary/baby_detail.html',
      text: ['<h1>{{ baby.name }}</h1>', '{% for meal in baby.meals.all %}{{ meal.tags.all|join:", " }}{% endfor %}', ''],
    };
    assert.deepEqual(await run([
      'def meals(request):',
      '    meals = models.Meal.objects.filter(start__isnull=False).order_by("-start")',
      '    return render(request, "diary/meal_list.html", {"object_list": meals})',
      '',
      '',
      'class BabyDetail(DetailView):',
      '    model = models.Baby',
      '    context_object_name = "baby"',
    ], [detail]), [
      "diary/views.py:13 diary/templates/diary/meal_list.html:5 Load Meal.baby with the queryset: .select_related('baby')",
      "diary/views.py:13 diary/templates/diary/meal_list.html:6 Load Meal.tags with the queryset: .prefetch_related('tags')",
      "diary/views.py:18 diary/templates/diary/baby_detail.html:2 Load Meal.tags with the queryset: .prefetch_related('meals__tags')",
    ]);
  });

  it('form views (create, update, delete) are not pages of rows', async () => {
    assert.deepEqual(await run(['class MealDelete(DeleteView):', '    model = models.Meal', '    template_name = "diary/meal_list.html"']), []);
  });
});

describe('Django code that is not per row or not per request (held-out-x false kinds)', () => {
  it('a serializer built only as `self.serializer_class(obj)` in a single-object APIView: its method field runs once', async () => {
    const files = (view: string[]): ScanFile[] => [
      MODELS,
      {
        path: 'diary/api/serializers.py',
        text: [
          'from rest_framework import serializers',
          'from rest_framework.authtoken.models import Token',
          '',
          'from diary import models',
          '',
          '',
          'class BabySerializer(serializers.ModelSerializer):',
          '    token = serializers.SerializerMethodField()',
          '',
          '    class Meta:',
          '        model = models.Baby',
          '        fields = ("name", "token")',
          '',
          '    def get_token(self, obj):',
          '        return Token.objects.get(user=obj.owner).key',
          '',
        ],
      },
      {
        path: 'diary/api/views.py',
        text: [
          'from rest_framework import generics, views',
          'from rest_framework.response import Response',
          '',
          'from diary import models',
          'from . import serializers',
          '',
          '',
          ...view,
          '',
        ],
      },
    ];
    const one = ['class BabyProfile(views.APIView):', '    serializer_class = serializers.BabySerializer', '', '    def get(self, request):', '        baby = models.Baby.objects.get(owner=request.user)', '        return Response(self.serializer_class(baby).data)'];
    assert.deepEqual(await lines(files(one)), []);
    // A list view with the same serializer runs the method per row.
    const many = ['class Babies(generics.ListAPIView):', '    queryset = models.Baby.objects.all()', '    serializer_class = serializers.BabySerializer'];
    assert.deepEqual(await lines(files(many)), ['diary/api/serializers.py:15 request warning']);
  });

  it('a post_migrate handler (connected in AppConfig.ready, or @receiver) is migration code', async () => {
    const apps = (hook: string[]): ScanFile => ({
      path: 'diary/apps.py',
      text: [
        'from django.apps import AppConfig',
        'from django.db.models.signals import post_migrate',
        'from django.dispatch import receiver',
        '',
        '',
        ...hook,
        'def grant_view_permissions(sender, **kwargs):',
        '    from django.contrib.auth.models import Group, Permission',
        '',
        '    group = Group.objects.get(name="readers")',
        '    for model in sender.get_models():',
        '        group.permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))',
        '',
        '',
        'class DiaryConfig(AppConfig):',
        '    name = "diary"',
        '',
        '    def ready(self):',
        ...(hook.length ? ['        pass'] : ['        post_migrate.connect(grant_view_permissions, sender=self)']),
        '',
      ],
    });
    const connected = await lines([apps([])]);
    assert.ok(connected.length > 0 && connected.every((l) => / migration info$/.test(l)), connected.join('\n'));
    const received = await lines([apps(['@receiver(post_migrate)'])]);
    assert.ok(received.length > 0 && received.every((l) => / migration info$/.test(l)), received.join('\n'));
  });
});

describe('Lazy relations read per row of a queryset narrowed under a condition (held-out-x kind 7)', () => {
  const timeline = (narrow: string): ScanFile => ({
    path: 'diary/timeline.py',
    text: [
      'from diary.models import Meal',
      '',
      '',
      'def add_meals(day_start, day_end, events, baby):',
      '    rows = Meal.objects.filter(start__range=(day_start, day_end)).order_by("-start")',
      '    if baby:',
      `        rows = ${narrow}`,
      '    for row in rows:',
      '        event = {',
      '            "time": row.start,',
      '            "event": "%(baby)s ate." % {"baby": row.baby.name},',
      '            "label": f"{row.baby.slug}",',
      '        }',
      '        events.append(event)',
      '',
    ],
  });

  it('`rows = rows.filter(…)` keeps the query it narrows: the relation read inside a dict and a % format is reported', async () => {
    assert.deepEqual(await lines([MODELS, timeline('rows.filter(baby=baby)')]), ['diary/timeline.py:11 request warning']);
  });

  it('a select_related in the narrowing step loads it', async () => {
    assert.deepEqual(await lines([MODELS, timeline('rows.filter(baby=baby).select_related("baby")')]), []);
  });
});

describe('A list view\'s own code reading a relation per row of object_list (held-out-x kind 7)', () => {
  const views = (qs: string): ScanFile => ({
    path: 'diary/views.py',
    text: [
      'from django_filters.views import FilterView',
      '',
      'from diary import models',
      '',
      '',
      'class DiaryFilterView(FilterView):',
      '    def get_context_data(self, **kwargs):',
      '        context = super().get_context_data(**kwargs)',
      '        context["one_baby"] = len({m.baby for m in context["object_list"]}) == 1',
      '        return context',
      '',
      '',
      'class MealList(DiaryFilterView):',
      `    ${qs}`,
      '    template_name = "diary/meals.html"',
      '',
    ],
  });
  const page: ScanFile = { path: 'diary/templates/diary/meals.html', text: ['{% for meal in object_list %}{{ meal.start }}{% endfor %}', ''] };

  it('a set comprehension over context["object_list"] in the app\'s base view: reported at the read, the view related', async () => {
    const f = (await scanNPlusOne([MODELS, page, views('model = models.Meal')])).map((x) => `${x.file}:${x.line} ${x.related?.[0]?.file}:${x.related?.[0]?.line}`);
    assert.deepEqual(f, ['diary/views.py:9 diary/views.py:14']);
  });

  it('silent when the view\'s queryset selects the relation', async () => {
    assert.deepEqual(await lines([MODELS, page, views('queryset = models.Meal.objects.select_related("baby")')]), []);
  });
});
