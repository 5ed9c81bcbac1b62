/**
 * Kinds of false alarm the blind split held-out-an showed (n1an, session 38: Cloud Foundry's cloud_controller_ng on
 * Sequel; Spoke on knex), fixed by kind, each keyed on what the code shows. Each test failed before its fix (main 6d6fcaf6).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

const REPOSITORY: ScanFile = {
  path: 'app/repositories/usage_event_repository.rb',
  text: [
    'module Repositories',
    '  class UsageEventRepository',
    '    def find(guid)',
    '      UsageEvent.find(guid: guid)',
    '    end',
    '  end',
    'end',
    '',
  ],
};

const OVERRIDES: ScanFile = {
  path: 'lib/ext/overrides.rb',
  text: [
    'class ::Membrane::Schemas::Regexp::MatchValidator',
    '  def fail!(regexp, object)',
    '    raise ::Membrane::SchemaValidationError.new("x")',
    '  end',
    'end',
    '',
  ],
};

describe('N+1 kinds shown by held-out-an (n1an38)', () => {
  it('Ruby: `find { … }` on a SCREAMING_CASE constant is the value\'s (an Array), not the app\'s `def find(guid)`; a class\'s `find` still resolves', async () => {
    const message: ScanFile = {
      path: 'app/messages/list_message.rb',
      text: [
        'class ListMessage',
        '  def self.parse_selector(selector)',
        '    selector.scan(/[^,]+/).map { |r| parse_requirement(r) }',
        '  end',
        '',
        '  def self.parse_requirement(requirement)',
        '    MetadataHelpers::OPERATOR_PAIRS.find do |rop|',
        '      rop[:pattern].match(requirement)',
        '    end',
        '  end',
        '',
        '  def self.events(guids)',
        '    guids.map { |g| load_event(g) }',
        '  end',
        '',
        '  def self.load_event(guid)',
        '    Repositories::UsageEventRepository.find(guid)',
        '  end',
        'end',
        '',
      ],
    };
    const lines = await scanLines([REPOSITORY, OVERRIDES, message]);
    assert.deepEqual(lines.filter((l) => l.startsWith('app/messages/')), ['app/messages/list_message.rb:13 warning'], lines.join('\n'));
  });

  it('Ruby: a loop over a SCREAMING_CASE constant walks a literal list: `endpoint.pattern` reads no relation; a loop over a model\'s rows stays', async () => {
    const limiter: ScanFile = {
      path: 'middleware/rate_limiter.rb',
      text: [
        'class RateLimiter',
        '  RATE_LIMITED_ENDPOINTS = [Endpoint.new(%r{/v2/service_instances}, %w[PUT])].freeze',
        '',
        '  def limited?(request)',
        '    RATE_LIMITED_ENDPOINTS.any? do |endpoint|',
        '      endpoint.endpoint_pattern.match?(request.fullpath)',
        '    end',
        '  end',
        '',
        '  def names',
        '    Route.where(active: true).map do |route|',
        '      route.domain.name',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    const lines = await scanLines([REPOSITORY, OVERRIDES, limiter]);
    assert.deepEqual(lines.filter((l) => l.startsWith('middleware/')), ['middleware/rate_limiter.rb:12 warning'], lines.join('\n'));
  });

  it('Ruby: a relation built and returned by a `map` block (`Model.where(…).select(:id)` per role, through a `case`) runs no query per item; `.all` does', async () => {
    const membership: ScanFile = {
      path: 'lib/cloud_controller/membership.rb',
      text: [
        'class Membership',
        '  def space_subqueries(roles)',
        '    roles.map do |role|',
        '      case role',
        '      when :developer',
        '        SpaceDeveloper.where(user_id: @user.id).select(:space_id)',
        '      when :manager',
        '        SpaceManager.where(user_id: @user.id).select(:space_id)',
        '      end',
        '    end',
        '  end',
        '',
        '  def spaces_of(ids)',
        '    ids.map do |id|',
        '      SpaceDeveloper.where(space_id: id).all',
        '    end',
        '  end',
        '',
        '  def ordered(ids)',
        '    ids.each do |id|',
        '      SpaceDeveloper.where(space_id: id).order(:id).each { |d| puts d }',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    const lines = await scanLines([REPOSITORY, OVERRIDES, membership]);
    assert.deepEqual(lines.filter((l) => l.startsWith('lib/')), ['lib/cloud_controller/membership.rb:15 warning', 'lib/cloud_controller/membership.rb:21 warning'], lines.join('\n'));
  });

  it('JS: the app\'s knex instance held on an object (`r.knex(\'campaign_contact\')….update(…)`) is knex: one UPDATE per item in a loop; the whereIn after it is one', async () => {
    const models: ScanFile = { path: 'src/server/models/index.js', text: ['import knex from "knex";', 'const r = { knex: knex({ client: "pg" }) };', 'export { r };', ''] };
    const jobs: ScanFile = {
      path: 'src/workers/jobs.js',
      text: [
        'import { r } from "../server/models";',
        '',
        'export async function unassign(assignmentIds) {',
        '  for (const assignId of assignmentIds) {',
        '    await r',
        '      .knex("campaign_contact")',
        '      .where("assignment_id", assignId)',
        '      .update({ assignment_id: null });',
        '  }',
        '  await r.knex("campaign_contact").whereIn("assignment_id", assignmentIds).update({ assignment_id: null });',
        '}',
        '',
      ],
    };
    assert.deepEqual(await scanLines([models, jobs]), ['src/workers/jobs.js:5 warning']);
  });

  it('JS: Bookshelf.js model calls are database calls — `Model.forge(…).fetch()`, `record.related(\'x\').fetch()`, `new Model(…).fetch()` on a model taken from the ORM object; a global `fetch` and another class\'s `fetch()` are not', async () => {
    const helper: ScanFile = {
      path: 'src/server/helpers/revisions.js',
      text: [
        'export async function list(orm, revisions, hits, ids) {',
        '  const {Entity, Area} = orm;',
        '  for (const rev of revisions) {',
        '    const entity = await new Entity({bbid: rev.bbid}).fetch();',
        '    console.log(entity);',
        '  }',
        '  await Promise.all(hits.map(async (hit) => {',
        "    const area = await Area.forge({gid: hit.bbid}).fetch({withRelated: ['areaType']});",
        "    const aliases = await area.related('aliasSet').fetch();",
        '    return [area, aliases];',
        '  }));',
        '  for (const id of ids) {',
        '    const res = await fetch(`https://example.com/${id}`);',
        '    const req = new Request(id).fetch();',
        '    console.log(res, req);',
        '  }',
        "  return Area.forge().query((qb) => qb.whereIn('id', ids)).fetchAll();",
        '}',
        '',
      ],
    };
    assert.deepEqual(await scanLines([helper]), ['src/server/helpers/revisions.js:4 warning', 'src/server/helpers/revisions.js:8 warning', 'src/server/helpers/revisions.js:9 warning']);
  });

  it('Ruby: a function gathering such relations still reaches the database: a permission check run per space that `.any?`s their UNION is an N+1 call', async () => {
    const membership: ScanFile = {
      path: 'lib/cloud_controller/membership.rb',
      text: [
        'class Membership',
        '  def role_applies?(roles, space_id)',
        '    member_space_ids(roles, space_id).any?',
        '  end',
        '',
        '  def member_space_ids(roles, space_id)',
        '    space_subqueries(roles, space_id).reduce { |query, subquery| query.union(subquery) }',
        '  end',
        '',
        '  def space_subqueries(roles, space_id)',
        '    roles.map do |role|',
        '      case role',
        '      when :developer',
        '        SpaceDeveloper.where(user_id: @user.id, space_id: space_id).select(:space_id)',
        '      when :manager',
        '        SpaceManager.where(user_id: @user.id, space_id: space_id).select(:space_id)',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    const controller: ScanFile = {
      path: 'app/controllers/security_groups_controller.rb',
      text: [
        'class SecurityGroupsController < ApplicationController',
        '  def check_spaces(space_guids)',
        '    space_guids.each do |space_guid|',
        '      unauthorized! unless membership.role_applies?(ROLES_FOR_SPACE_UPDATING, space_guid)',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await scanLines([membership, controller]), ['app/controllers/security_groups_controller.rb:4 warning']);
  });
});
