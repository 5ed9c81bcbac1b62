/**
 * Kinds of miss and false alarm the held-out split ad (hypothesis/h, huginn, vikunja) showed at its blind look
 * (notes: n1ad29), each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines, scanWarnings as warnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds of the held-out split ad (n1ad29)', () => {
  it('Go: xorm session calls (`s.Insert(u)`, `s.Where(…).Cols(…).Update(x)`) on a `*xorm.Session` parameter are database calls; `s.In("id", ids)` is the batch, `s.In("uid", uid)` with one value is not', async () => {
    const f: ScanFile = {
      path: 'pkg/models/project_duplicate.go',
      text: [
        'package models',
        '',
        'import "xorm.io/xorm"',
        '',
        'type ProjectUser struct{ ID, ProjectID int64 }',
        '',
        'func duplicateUsers(s *xorm.Session, users []*ProjectUser, to int64) error {',
        '\tfor _, u := range users {',
        '\t\tu.ID = 0',
        '\t\tu.ProjectID = to',
        '\t\tif _, err := s.Insert(u); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func detachUsers(s *xorm.Session, users []*ProjectUser) error {',
        '\tfor _, lu := range users {',
        '\t\tif _, err := s.Where("id = ?", lu.ID).Cols("project_id").Update(lu); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func getByUID(s *xorm.Session, uid string) (*ProjectUser, error) {',
        '\tt := &ProjectUser{}',
        '\t_, err := s.In("uid", uid).Get(t)',
        '\treturn t, err',
        '}',
        '',
        'func byUIDs(s *xorm.Session, uids []string) error {',
        '\tfor _, uid := range uids {',
        '\t\tif _, err := getByUID(s, uid); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func loadByProjects(s *xorm.Session, groups [][]int64) error {',
        '\tfor _, ids := range groups {',
        '\t\tout := []*ProjectUser{}',
        '\t\tif err := s.In("project_id", ids).Find(&out); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['pkg/models/project_duplicate.go:11 warning', 'pkg/models/project_duplicate.go:20 warning', 'pkg/models/project_duplicate.go:35 warning']);
  });
});

describe('N+1 kinds of the held-out split ad (n1ad29): a service named `svc`', () => {
  it('Python: `self.user_svc.fetch(name)` on the app\'s service (the `svc` abbreviation) is followed like `user_service.fetch`', async () => {
    const service: ScanFile = {
      path: 'app/services/user.py',
      text: [
        'from sqlalchemy.orm import Session',
        'from app.models import User',
        '',
        '',
        'class UserService:',
        '    def __init__(self, session):',
        '        self.session = session',
        '',
        '    def fetch(self, username, authority):',
        '        return self.session.query(User).filter_by(username=username, authority=authority).one_or_none()',
        '',
      ],
    };
    const other: ScanFile = { path: 'app/services/group.py', text: ['class GroupService:', '    def fetch(self, pubid):', '        return self._cache.get(pubid)', ''] };
    const view: ScanFile = {
      path: 'app/views/admin/groups.py',
      text: [
        'class GroupCreateView:',
        '    def __init__(self, request):',
        '        self.user_svc = request.find_service(name="user")',
        '',
        '    def create(self, appstruct, authority):',
        '        ids = []',
        '        for username in appstruct["members"]:',
        '            ids.append(self.user_svc.fetch(username, authority).userid)',
        '        return ids',
        '',
      ],
    };
    const models: ScanFile = { path: 'app/models.py', text: ['from sqlalchemy.orm import DeclarativeBase', '', 'class User(DeclarativeBase):', '    pass', ''] };
    assert.deepEqual(await warnings([models, service, other, view]), ['app/views/admin/groups.py:8 warning']);
  });
});

describe('N+1 kinds of the held-out split ad (n1ad29): Python literals and a session held as `db`', () => {
  it('Python: `".".join(parts)` is str.join, not the app\'s method `join` that queries', async () => {
    const view: ScanFile = {
      path: 'app/views/activity.py',
      text: [
        'from sqlalchemy import select',
        'from app.models import Group',
        '',
        '',
        'class GroupController:',
        '    def __init__(self, request):',
        '        self.request = request',
        '',
        '    def join(self):',
        '        return self.request.db.scalar(select(Group).where(Group.id == 1))',
        '',
      ],
    };
    const schema: ScanFile = {
      path: 'app/schemas/base.py',
      text: [
        'def format_error(error):',
        '    return ".".join([str(c) for c in error.path])',
        '',
        '',
        'def format_all(errors):',
        '    return [format_error(e) for e in errors]',
        '',
      ],
    };
    const models: ScanFile = { path: 'app/models.py', text: ['from sqlalchemy.orm import DeclarativeBase', '', 'class Group(DeclarativeBase):', '    pass', ''] };
    assert.deepEqual(await warnings([models, view, schema]), []);
  });
  it('Python: a SQLAlchemy session held as `request.db` / `self.db` (Pyramid) runs `scalar(select(…))`, `query(Model)` per item', async () => {
    const service: ScanFile = {
      path: 'app/services/checkpoint.py',
      text: [
        'from sqlalchemy import select',
        'from app.models import Group',
        '',
        '',
        'class CheckpointService:',
        '    def __init__(self, db):',
        '        self.db = db',
        '',
        '    def reveal(self, gid):',
        '        return self.db.scalar(select(Group).where(Group.id == gid))',
        '',
      ],
    };
    const view: ScanFile = {
      path: 'app/views/bulk.py',
      text: [
        'from sqlalchemy import select',
        'from app.models import Group',
        'from app.services.checkpoint import CheckpointService',
        '',
        '',
        'def reveal_all(request, items):',
        '    checkpoint_service = request.find_service(CheckpointService)',
        '    results = []',
        '    for item in items:',
        '        results.append(checkpoint_service.reveal(item["gid"]))',
        '    return results',
        '',
        '',
        'def direct(request, items):',
        '    for item in items:',
        '        request.db.query(Group).filter(Group.id == item).one()',
        '',
      ],
    };
    const models: ScanFile = { path: 'app/models.py', text: ['from sqlalchemy.orm import DeclarativeBase', '', 'class Group(DeclarativeBase):', '    pass', ''] };
    assert.deepEqual(await warnings([models, service, view]), ['app/views/bulk.py:10 warning', 'app/views/bulk.py:16 warning']);
  });
});

describe('N+1 kinds of the held-out split ad (n1ad29): Ruby and Python objects that are no records', () => {
  const agent: ScanFile = { path: 'app/models/agent.rb', text: ['class Agent < ActiveRecord::Base', '  has_many :events', 'end', ''] };
  it('Ruby: `result.update(h)` on a Hash the method built (`extracted.except(…)`, `cond ? payload.dup : {}`) merges in memory', async () => {
    const f: ScanFile = {
      path: 'app/models/agents/website_agent.rb',
      text: [
        'module Agents',
        '  class WebsiteAgent < Agent',
        '    def handle(output, template, incoming)',
        '      output.each do |extracted|',
        '        result = extracted.except(*output.hidden_keys)',
        '        result.update(interpolate(template, extracted))',
        '      end',
        '      incoming.each do |event|',
        '        new_event = merge? ? event.payload.dup : {}',
        '        new_event.update("success" => true)',
        '        event.update!(seen: true)',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([agent, f]), ['app/models/agents/website_agent.rb:11 warning']);
  });
  it('Ruby: `output.hidden_keys << name` where the file sets `@hidden_keys = []` appends to an Array, no association', async () => {
    const f: ScanFile = {
      path: 'app/models/agents/website_agent.rb',
      text: [
        'module Agents',
        '  class WebsiteAgent < Agent',
        '    def extract_each(extract)',
        '      extract.each_with_object(Output.new) { |(name, details), output|',
        '        output.hidden_keys << name if details["hidden"]',
        '      }',
        '    end',
        '',
        '    class Output',
        '      attr_reader :hidden_keys',
        '      def initialize',
        '        @hidden_keys = []',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([agent, f]), []);
  });
  it('Ruby: `Tempfile.create do |file|` is the standard library, no model', async () => {
    const f: ScanFile = {
      path: 'app/models/agents/jq_agent.rb',
      text: [
        'module Agents',
        '  class JqAgent < Agent',
        '    def receive(incoming_events)',
        '      incoming_events.each do |event|',
        '        process_event(event)',
        '      end',
        '    end',
        '',
        '    def process_event(event)',
        '      Tempfile.create do |file|',
        '        file.print(event.payload.to_json)',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([agent, f]), []);
  });
  it('Python: `s.get("type")` on a dict is no SQLAlchemy session get, though `s` names one elsewhere', async () => {
    const f: ScanFile = {
      path: 'app/models/annotation.py',
      text: [
        'from sqlalchemy.orm import Mapped',
        '',
        '',
        'class Annotation:',
        '    target_selectors: Mapped[list]',
        '',
        '    @property',
        '    def quote(self):',
        '        selectors = self.target_selectors or []',
        '        quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)',
        '        return quote',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), []);
  });
});

describe('N+1 kinds of the held-out split ad (n1ad29): Ruby loops and writes not read before', () => {
  const agent: ScanFile = { path: 'app/models/agent.rb', text: ['class Agent < ActiveRecord::Base', '  has_many :links_as_source, class_name: "Link"', 'end', ''] };
  const link: ScanFile = { path: 'app/models/link.rb', text: ['class Link < ActiveRecord::Base', 'end', ''] };
  it('Ruby: `agents.map.with_index do |agent, i|` and `each.with_index(1)` are loops over the agents', async () => {
    const f: ScanFile = {
      path: 'app/services/exporter.rb',
      text: [
        'class Exporter',
        '  def links(agents)',
        '    agents.map.with_index do |agent, index|',
        '      Link.where(source_id: agent.id).to_a',
        '    end',
        '  end',
        '',
        '  def ranks(agents)',
        '    agents.each.with_index(1) { |agent, i| Link.where(source_id: agent.id, rank: i).first }',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([agent, link, f]), ['app/services/exporter.rb:4 warning', 'app/services/exporter.rb:9 warning']);
  });
  it('Ruby: `agent.links_as_source.where(…).map { … }` loads a relation per agent, whatever the association is called, in `lib/` too', async () => {
    const f: ScanFile = {
      path: 'lib/agents_exporter.rb',
      text: [
        'class AgentsExporter',
        '  def links(agents)',
        '    ids = agents.map(&:id)',
        '    agents.each do |agent|',
        '      agent.links_as_source.where(receiver_id: ids).map do |link|',
        '        link.id',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([agent, link, f]), ['lib/agents_exporter.rb:5 warning']);
  });
  it('Ruby: a model\'s receiver-less `update!(memory: storage)` per incoming event writes its own row per event', async () => {
    const f: ScanFile = {
      path: 'app/models/agents/key_value_store_agent.rb',
      text: [
        'module Agents',
        '  class KeyValueStoreAgent < Agent',
        '    def receive(incoming_events)',
        '      incoming_events.each do |event|',
        '        storage = memory',
        '        storage[event.payload["key"]] = event.payload["value"]',
        '        update!(memory: storage)',
        '      end',
        '    end',
        '  end',
        'end',
        '',
      ],
    };
    assert.deepEqual(await warnings([agent, f]), ['app/models/agents/key_value_store_agent.rb:7 warning']);
  });
});

describe('N+1 kinds of the held-out split ad (n1ad29): a Go command\'s closures', () => {
  it('Go: a function only a cobra command\'s `Run: func(…) { … }` calls runs when an operator runs the command (script), not per request', async () => {
    const cmd: ScanFile = {
      path: 'pkg/cmd/repair_projects.go',
      text: [
        'package cmd',
        '',
        'import (',
        '\t"code.example/app/pkg/db"',
        '\t"code.example/app/pkg/models"',
        '\t"github.com/spf13/cobra"',
        ')',
        '',
        'var repairProjectsCmd = &cobra.Command{',
        '\tUse:   "projects",',
        '\tShort: "Repair orphaned projects",',
        '\tRun: func(cmd *cobra.Command, args []string) {',
        '\t\ts := db.NewSession()',
        '\t\tdefer s.Close()',
        '\t\t_ = models.RepairOrphanedProjects(s)',
        '\t},',
        '}',
        '',
      ],
    };
    const repair: ScanFile = {
      path: 'pkg/models/project_repair.go',
      text: [
        'package models',
        '',
        'import "xorm.io/xorm"',
        '',
        'type Project struct{ ID, ParentProjectID int64 }',
        '',
        'func RepairOrphanedProjects(s *xorm.Session) error {',
        '\torphans := []*Project{}',
        '\tif err := s.Where("parent_project_id > 0").Find(&orphans); err != nil {',
        '\t\treturn err',
        '\t}',
        '\tfor _, p := range orphans {',
        '\t\tif _, err := s.Where("id = ?", p.ID).Cols("parent_project_id").Update(&Project{}); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    const gomod: ScanFile = { path: 'go.mod', text: ['module code.example/app', '', 'go 1.22', ''] };
    assert.deepEqual(await warnings([gomod, cmd, repair]), []);
    assert.ok((await lines([gomod, cmd, repair])).includes('pkg/models/project_repair.go:13 info'));
  });
});
