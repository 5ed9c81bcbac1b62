/**
 * Kinds of mistakes the blind split held-out-ah showed (session 31, n1ah31): pretalx (Django + DRF), manyfold
 * (Rails) and photoview (Go GORM + gqlgen). Each is keyed on what the code shows, never on an app's name, and each
 * test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanWarnings as warnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds of held-out-ah (n1ah31)', () => {
  describe('DRF serializer method fields whose relation the views preload', () => {
    const serializers: ScanFile = {
      path: 'conf/api/serializers/speaker.py',
      text: [
        'from rest_framework.serializers import ModelSerializer, SerializerMethodField',
        'from conf.person.models import SpeakerProfile',
        '',
        'class SpeakerSerializer(ModelSerializer):',
        '    answers = SerializerMethodField()',
        '',
        '    def get_answers(self, obj):',
        '        return [a.pk for a in obj.answers.all()]',
        '',
        '    class Meta:',
        '        model = SpeakerProfile',
        '        fields = ("code", "answers")',
        '',
        'class SpeakerOrgaSerializer(SpeakerSerializer):',
        '    """The SpeakerOrgaSerializer adds what organisers see."""',
        '',
        '    class Meta(SpeakerSerializer.Meta):',
        '        fields = (*SpeakerSerializer.Meta.fields, "email")',
        '',
      ],
    };
    const nested: ScanFile = {
      path: 'conf/api/serializers/submission.py',
      text: [
        'from rest_framework.serializers import ModelSerializer',
        'from conf.submission.models import Submission',
        '',
        'class SubmissionSerializer(ModelSerializer):',
        '    class Meta:',
        '        model = Submission',
        '        fields = ("code", "speakers")',
        '        extra_expandable_fields = {',
        '            "speakers": (',
        '                "conf.api.serializers.speaker.SpeakerSerializer",',
        '                {"many": True, "read_only": True},',
        '            ),',
        '        }',
        '',
      ],
    };
    const view = (prefetch: string[]): ScanFile => ({
      path: 'conf/api/views/speaker.py',
      text: [
        'from rest_framework import viewsets',
        'from conf.api.serializers.speaker import SpeakerSerializer',
        'from conf.person.models import SpeakerProfile',
        '',
        'class SpeakerViewSet(viewsets.ModelViewSet):',
        '    serializer_class = SpeakerSerializer',
        '',
        '    def get_queryset(self):',
        '        queryset = SpeakerProfile.objects.filter(event=self.request.event)',
        ...prefetch,
        '        return queryset',
        '',
      ],
    });

    const test: ScanFile = {
      path: 'src/tests/api/serializers/test_speaker.py',
      text: [
        'from conf.api.serializers.speaker import SpeakerOrgaSerializer, SpeakerSerializer',
        '',
        'def test_speaker_serializer(speaker):',
        '    assert SpeakerSerializer(speaker).data["code"] == speaker.code',
        '    assert SpeakerOrgaSerializer(speaker).data',
        '',
      ],
    };

    it('a relation the view prefetches through a list spread into prefetch_related(*prefetches) is preloaded; Meta reads, (extra_)expandable-field paths, docstrings and tests are no uses', async () => {
      const prefetched = view(['        prefetches = ["answers"]', '        queryset = queryset.prefetch_related(*prefetches)']);
      assert.deepEqual(await warnings([serializers, nested, prefetched, test]), []);
      // Without the preload, the method field is one query per speaker of the list.
      assert.deepEqual(await warnings([serializers, nested, view([])]), ['conf/api/serializers/speaker.py:8 warning']);
    });
  });
  it('Django: a related manager\'s whole-set write on the loop\'s own item (`submission.tags.add(*tags)`, `.set(chosen)`) is one write per item', async () => {
    const models: ScanFile = {
      path: 'conf/submission/models.py',
      text: [
        'from django.db import models',
        '',
        'class Tag(models.Model):',
        '    tag = models.CharField(max_length=50)',
        '',
        'class Submission(models.Model):',
        '    code = models.CharField(max_length=16)',
        '    tags = models.ManyToManyField(Tag, related_name="submissions")',
        '',
      ],
    };
    const views: ScanFile = {
      path: 'conf/orga/views/review.py',
      text: [
        'from conf.submission.models import Submission, Tag',
        '',
        'class BulkTag:',
        '    def post(self, request, codes, tags):',
        '        submissions = self.submissions.filter(code__in=codes)',
        '        for submission in submissions:',
        '            submission.tags.add(*tags)',
        '',
        '    def save(self, chosen):',
        '        for submission in self.submissions:',
        '            submission.assigned_reviewers.set(chosen[submission.code])',
        '',
        '    def tag_one(self, submission, codes):',
        '        for tags in chunks(Tag.objects.filter(tag__in=codes), 500):',
        '            submission.tags.add(*tags)',
        '',
      ],
    };
    assert.deepEqual(await warnings([models, views]), ['conf/orga/views/review.py:11 warning', 'conf/orga/views/review.py:7 warning']);
  });
  it('Go gqlgen: a field resolver reading through the app\'s handle accessor (`r.DB(ctx).Find(…)`, `….Association("Exif").Find`) in a file that does not import gorm, and a `NOT IN (?)` subquery, are one query per parent', async () => {
    const root: ScanFile = {
      path: 'api/graphql/resolvers/resolver.go',
      text: [
        'package resolvers',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"gorm.io/gorm"',
        ')',
        '',
        'type Resolver struct {',
        '\tdatabase *gorm.DB',
        '}',
        '',
        'func (r *Resolver) DB(ctx context.Context) *gorm.DB {',
        '\treturn r.database.WithContext(ctx)',
        '}',
        '',
      ],
    };
    const media: ScanFile = {
      path: 'api/graphql/resolvers/media.go',
      text: [
        'package resolvers',
        '',
        '// Code generated by github.com/99designs/gqlgen version v0.17.91',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/api/graphql/models"',
        ')',
        '',
        'func (r *mediaResolver) Album(ctx context.Context, obj *models.Media) (*models.Album, error) {',
        '\tvar album models.Album',
        '\terr := r.DB(ctx).Find(&album, obj.AlbumID).Error',
        '\treturn &album, err',
        '}',
        '',
        'func (r *mediaResolver) Exif(ctx context.Context, obj *models.Media) (*models.MediaEXIF, error) {',
        '\tvar exif models.MediaEXIF',
        '\tif err := r.DB(ctx).Model(obj).Association("Exif").Find(&exif); err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\treturn &exif, nil',
        '}',
        '',
      ],
    };
    const user: ScanFile = {
      path: 'api/graphql/resolvers/user.go',
      text: [
        'package resolvers',
        '',
        '// Code generated by github.com/99designs/gqlgen version v0.17.91',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/api/graphql/models"',
        '\t"gorm.io/gorm"',
        ')',
        '',
        'var _ *gorm.DB',
        '',
        'func (r *userResolver) RootAlbums(ctx context.Context, obj *models.User) (albums []*models.Album, err error) {',
        '\tdb := r.DB(ctx)',
        '\terr = db.Model(obj).Where("albums.parent_album_id NOT IN (?)", db.Table("user_albums").Select("albums.id")).Association("Albums").Find(&albums)',
        '\treturn',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([root, media, user]), ['api/graphql/resolvers/media.go:13 warning', 'api/graphql/resolvers/media.go:19 warning', 'api/graphql/resolvers/user.go:16 warning']);
  });
  it('Ruby: `hash.merge(…)` on an object is never a controller\'s action of that name (app/controllers/**); a model\'s method called on an object still is', async () => {
    const concern: ScanFile = {
      path: 'app/controllers/concerns/models_controller/merge.rb',
      text: [
        'module ModelsController::Merge',
        '  def merge',
        '    @target = Model.find_by(path: params[:path])',
        '    @target.merge!(@models)',
        '  end',
        'end',
        '',
      ],
    };
    const model: ScanFile = {
      path: 'app/models/model.rb',
      text: [
        'class Model < ApplicationRecord',
        '  def merge!(others)',
        '    others.update_all(parent_id: id)',
        '  end',
        'end',
        '',
      ],
    };
    const callers: ScanFile = {
      path: 'app/controllers/model_files_controller.rb',
      text: [
        'class ModelFilesController < ApplicationController',
        '  def bulk_update(collection, component, param, kwargs)',
        '    safe_join(collection.map { render component.new(**{param => it}.merge(kwargs)) }, " ")',
        '    Model.where(id: params[:ids]).each do |file|',
        '      render partial: "row", locals: ref(file).merge(name: file.name)',
        '    end',
        '  end',
        '',
        '  def resolve',
        '    Problem.where(id: params[:ids]).each do |problem|',
        '      problem.problematic.merge!(problem.problematic.children)',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([concern, model, callers]), ['app/controllers/model_files_controller.rb:11 warning']);
  });
  it('Django: `speaker.urls.public` / `speaker.orga_urls.base` read URL helpers (like `url`, `_url`), not relations', async () => {
    const models: ScanFile = {
      path: 'conf/person/models.py',
      text: [
        'from django.db import models',
        '',
        'class SpeakerProfile(models.Model):',
        '    code = models.CharField(max_length=16)',
        '    user = models.ForeignKey("User", on_delete=models.CASCADE)',
        '',
      ],
    };
    const view: ScanFile = {
      path: 'conf/common/views/shortlink.py',
      text: [
        'from django.http import HttpResponseRedirect',
        'from conf.person.models import SpeakerProfile',
        '',
        'def shortlink(request, code):',
        '    speakers = SpeakerProfile.objects.filter(code=code).order_by("-created")',
        '    for speaker in speakers:',
        '        if request.user.has_perm("orga", speaker):',
        '            return HttpResponseRedirect(speaker.orga_urls.base)',
        '        if speaker.user.is_active:',
        '            return HttpResponseRedirect(speaker.urls.public)',
        '',
      ],
    };
    assert.deepEqual(await warnings([models, view]), ['conf/common/views/shortlink.py:9 warning']);
  });
  it('Django: `field.delete(save=False)` on a FieldFile removes a file from storage, no row; a record\'s delete() per item still is a write', async () => {
    const f: ScanFile = {
      path: 'conf/common/image.py',
      text: [
        'from django.db import models',
        '',
        'def drop_thumbnails(instance, names, pictures):',
        '    fields = [getattr(instance, name) for name in names]',
        '    for field in fields:',
        '        field.delete(save=False)',
        '    instance.save(update_fields=names)',
        '    for picture in pictures:',
        '        picture.delete()',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['conf/common/image.py:9 warning']);
  });
  it('Ruby: a block without parameters names its item `it` (Ruby 3.4) or `_1`; a write on it is one per row', async () => {
    const f: ScanFile = {
      path: 'app/jobs/cache_sweep_job.rb',
      text: [
        'class CacheSweepJob < ApplicationJob',
        '  def perform',
        '    AccessToken.where(revoked_at: nil).find_each { it.destroy unless it.accessible? }',
        '    AccessGrant.where(revoked_at: nil).find_each { _1.destroy }',
        '    AccessGrant.where(revoked_at: nil).each { |grant| puts grant.id }',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['app/jobs/cache_sweep_job.rb:3 warning', 'app/jobs/cache_sweep_job.rb:4 warning']);
  });
  it('Ruby/Python: a helper that writes the record it is handed, called per item, writes per item', async () => {
    const rb: ScanFile = {
      path: 'app/controllers/problems_controller.rb',
      text: [
        'class ProblemsController < ApplicationController',
        '  def resolve',
        '    Problem.where(public_id: params[:ids]).each do |problem|',
        '      case problem.resolution_strategy',
        '      when :convert',
        '        resolve_by_converting(problem)',
        '      end',
        '    end',
        '  end',
        '',
        '  private',
        '',
        '  def resolve_by_converting(problem)',
        '    problem.update(in_progress: true)',
        '  end',
        'end',
        '',
      ],
    };
    const py: ScanFile = {
      path: 'shop/views.py',
      text: [
        'from shop.models import Order',
        '',
        'def archive(order):',
        '    order.archived = True',
        '    order.save()',
        '',
        'def archive_all(request):',
        '    for order in Order.objects.filter(shop=request.shop):',
        '        archive(order)',
        '',
      ],
    };
    assert.deepEqual(await warnings([rb, py]), ['app/controllers/problems_controller.rb:6 warning', 'shop/views.py:9 warning']);
  });
});
