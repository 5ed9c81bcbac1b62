/**
 * Kinds of miss and false alarm the held-out split ad (hypothesis/h, huginn, vikunja) showed at its blind look
 * (notes: n1ad29), each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanWarnings as warnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds of the held-out split ad (n1ad29)', () => {
  it('Go: xorm session calls (`s.Insert(u)`, `s.Where(…).Cols(…).Update(x)`) on a `*xorm.Session` parameter are database calls; `s.In("id", ids)` is the batch', async () => {
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
    assert.deepEqual(await warnings([f]), ['pkg/models/project_duplicate.go:11 warning', 'pkg/models/project_duplicate.go:20 warning']);
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
