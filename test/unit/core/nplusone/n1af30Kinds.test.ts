/**
 * Kinds of miss and false alarm the blind split held-out-af showed (n1af30: pact_broker, HedgeDoc, Quay), each keyed on
 * what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanWarnings as warnings } from '../../support/nplusoneFixtures';

const PEEWEE_DB: ScanFile = {
  path: 'data/database.py',
  text: [
    'from peewee import *',
    '',
    'class BaseModel(Model):',
    '    pass',
    '',
    'class Team(BaseModel):',
    '    name = CharField()',
    '',
    'class TeamMember(BaseModel):',
    '    user = IntegerField()',
    '    team = IntegerField()',
    '',
    'class TagNotificationSuccess(BaseModel):',
    '    tag = IntegerField()',
    '',
  ],
};

describe('N+1 kinds of held-out-af (n1af30)', () => {
  it('Python: a Peewee model imported from the module that declares it (`from data.database import TagNotificationSuccess`) runs its statements', async () => {
    const f: ScanFile = {
      path: 'util/notification.py',
      text: [
        'from data.database import TagNotificationSuccess',
        '',
        'def track_tags_to_notify(tags, notification):',
        '    for tag in tags:',
        '        TagNotificationSuccess.create(notification=notification.id, tag=tag.id)',
        '',
      ],
    };
    assert.deepEqual(await warnings([PEEWEE_DB, f]), ['util/notification.py:5 warning']);
  });
  it('Python: a query module reached through its package (`from data import model`; `model.team.add_user_to_team(…)`)', async () => {
    const init: ScanFile = { path: 'data/model/__init__.py', text: ['from data.model import (', '    team,', ')', ''] };
    const team: ScanFile = {
      path: 'data/model/team.py',
      text: [
        'from peewee import JOIN',
        'from data.database import TeamMember',
        '',
        'def add_user_to_team(user, team):',
        '    return TeamMember.create(user=user.id, team=team.id)',
        '',
      ],
    };
    const f: ScanFile = {
      path: 'data/users/teamsync.py',
      text: [
        'from data import model',
        '',
        'def sync_team(members, team):',
        '    for user in members:',
        '        model.team.add_user_to_team(user, team)',
        '',
      ],
    };
    assert.deepEqual(await warnings([PEEWEE_DB, init, team, f]), ['data/users/teamsync.py:5 warning']);
  });
});

describe('N+1 kinds of held-out-af (n1af30): false alarms', () => {
  it('Python: a loop over what the app\'s own chunking helper yields (`for tags in _chunk_iterate_for_deletion(q)`) runs once per chunk', async () => {
    const f: ScanFile = {
      path: 'data/model/gc.py',
      text: [
        'from peewee import JOIN',
        'from data.database import Tag',
        '',
        'def _chunk_iterate_for_deletion(query, chunk_size=10):',
        '    while True:',
        '        results = list(query.limit(chunk_size))',
        '        if not results:',
        '            return',
        '        yield results',
        '',
        'def _run_garbage_collection(context):',
        '    Tag.delete().where(Tag.repository == context.repo).execute()',
        '',
        'def purge(repo):',
        '    for tags in _chunk_iterate_for_deletion(Tag.select().where(Tag.repository == repo)):',
        '        context = make_context(tags)',
        '        _run_garbage_collection(context)',
        '    for tag in Tag.select().where(Tag.repository == repo):',
        '        _run_garbage_collection(tag)',
        '',
      ],
    };
    assert.deepEqual(await warnings([PEEWEE_DB, f]), ['data/model/gc.py:19 warning']);
  });
  it('Python: a look-up kept per key whose key is read from the item (`if d.get("namespace") not in cache: cache[d.get("namespace")] = …`)', async () => {
    const f: ScanFile = {
      path: 'endpoints/api/repos.py',
      text: [
        'from data import model',
        '',
        'def add_quota_view(repos):',
        '    cache = {}',
        '    for repo in repos:',
        '        d = repo.to_dict()',
        '        if d.get("namespace") not in cache:',
        '            cache[d.get("namespace")] = model.quota.get_quota(d.get("namespace"))',
        '        model.quota.get_quota(d.get("name"))',
        '',
      ],
    };
    const quota: ScanFile = { path: 'data/model/quota.py', text: ['from data.database import Team', '', 'def get_quota(name):', '    return Team.get(Team.name == name)', ''] };
    const init: ScanFile = { path: 'data/model/__init__.py', text: ['from data.model import (', '    quota,', ')', ''] };
    assert.deepEqual(await warnings([PEEWEE_DB, init, quota, f]), ['endpoints/api/repos.py:9 warning']);
  });
});

describe('N+1 kinds of held-out-af (n1af30): clients under another name', () => {
  it('TypeScript: a knex handle chosen as `const dbActor = transaction ?? this.knex` runs the builder it is called with', async () => {
    const svc: ScanFile = {
      path: 'src/revisions/revisions.service.ts',
      text: [
        "import { Knex } from 'knex';",
        "import { InjectConnection } from 'nest-knexjs';",
        '',
        'export class RevisionsService {',
        '  constructor(@InjectConnection() private readonly knex: Knex) {}',
        '',
        '  async getTagsByRevisionUuid(revisionUuid: string, transaction?: Knex): Promise<string[]> {',
        '    const dbActor = transaction ?? this.knex;',
        '    const tags = await dbActor(TableRevisionTag).select(FieldTag).where(FieldUuid, revisionUuid);',
        '    return tags.map((tag) => tag[FieldTag]);',
        '  }',
        '',
        '  async tagsOf(results: { revisionUuid: string }[]): Promise<string[][]> {',
        '    return await Promise.all(results.map((r) => this.getTagsByRevisionUuid(r.revisionUuid)));',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([svc]), ['src/revisions/revisions.service.ts:14 warning']);
  });
});

describe('N+1 kinds of held-out-af (n1af30): Ruby predicates', () => {
  it('Ruby: a predicate method of the app called per item without arguments (`pact_publication.latest_for_branch?`) is followed; a core predicate (`any?`) is not', async () => {
    const model: ScanFile = {
      path: 'lib/broker/pacts/pact_publication.rb',
      text: [
        'module Broker',
        '  class PactPublication < Sequel::Model(:pact_publications)',
        '    def latest_for_branch?',
        '      PactPublication.where(consumer_id: consumer_id).order(:id).last.id == id',
        '    end',
        '',
        '    def empty?',
        '      PactPublication.where(consumer_id: consumer_id).empty?',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    const svc: ScanFile = {
      path: 'lib/broker/index/service.rb',
      text: [
        'module Broker',
        '  class IndexService',
        '    def self.find_index_items(page)',
        '      page.all.collect do | pact_publication |',
        '        [pact_publication.id, pact_publication.latest_for_branch?, pact_publication.tags.empty?]',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([model, svc]), ['lib/broker/index/service.rb:5 warning']);
  });
});
