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
