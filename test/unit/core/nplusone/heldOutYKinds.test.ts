/**
 * Kinds held-out-y's first (blind) score showed (notes: n1y23): a Go app whose every query goes through a package of
 * package-level query functions (`zgo.at/zdb`: `zdb.Get(ctx, &s, q)`), model look-ups that return from an in-memory
 * cache before they query, and Java reads behind a Guava cache loader (`cache.get(id, () -> repo.findById(id))`).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines } from '../../support/nplusoneFixtures';
import { codeContextOf } from '../../../../src/core/codeContext';


const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/stats', '', 'go 1.22', '', 'require zgo.at/zdb v0.0.0', ''] };

describe('N+1 kinds of held-out-y', () => {
  // Models of the root package: Path.ByID queries through zdb; Site.ByID returns from its cache on a hit.
  const models: ScanFile = {
    path: 'site.go',
    text: [
      'package stats',
      '',
      'import (',
      '\t"context"',
      '',
      '\t"zgo.at/zdb"',
      ')',
      '',
      'func (p *Path) ByID(ctx context.Context, id int64) error {',
      '\treturn zdb.Get(ctx, p, `select * from paths where path_id = $1`, id)',
      '}',
      '',
      'func (s *Site) ByID(ctx context.Context, id int64) error {',
      '\tif ss, ok := cacheSites(ctx).Get(id); ok {',
      '\t\t*s = *ss',
      '\t\treturn nil',
      '\t}',
      '\terr := zdb.Get(ctx, s, "load:site.ByID", id)',
      '\tcacheSites(ctx).Set(id, s)',
      '\treturn err',
      '}',
      '',
      'func (u *User) UpdateSite(ctx context.Context) error {',
      '\treturn zdb.Update(ctx, u, "site_id")',
      '}',
      '',
    ],
  };
  const handler: ScanFile = {
    path: 'handlers/settings.go',
    text: [
      'package handlers',
      '',
      'import (',
      '\t"net/http"',
      '',
      '\t"example.com/stats"',
      ')',
      '',
      'func (h settings) merge(w http.ResponseWriter, r *http.Request, ids []int64, users []stats.User) error {',
      '\tpaths := make([]stats.Path, len(ids))',
      '\tfor i := range ids {',
      '\t\terr := paths[i].ByID(r.Context(), ids[i])',
      '\t\tif err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\tfor _, id := range ids {',
      '\t\tvar s stats.Site',
      '\t\tif err := s.ByID(r.Context(), id); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\tfor _, u := range users {',
      '\t\tif err := u.UpdateSite(r.Context()); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\treturn nil',
      '}',
      '',
    ],
  };

  // The command that imports the handlers' package names the module's folders (example.com/stats is the top folder).
  const main: ScanFile = { path: 'cmd/stats/main.go', text: ['package main', '', 'import "example.com/stats/handlers"', '', 'func main() { handlers.Serve() }', ''] };

  it('Go: a package of package-level query functions named for a database (`zdb.Get(ctx, …)`, `zdb.Update(ctx, u, "col")`) queries, and a method that uses it is a database call per item', async () => {
    // paths[i] of `make([]stats.Path, n)` and u of `range users` (users []stats.User) have known types; Site.ByID
    // returns from its cache on a hit, so the zdb.Get after it runs on a miss only.
    assert.deepEqual(await lines([goMod, models, handler, main]), ['handlers/settings.go:12 warning', 'handlers/settings.go:24 warning']);
  });

  it('Go: the element of a named slice type (`type Users []User`; `range users`, `merge[i]` of `make(Paths, n)`) has the element\'s type', async () => {
    const types: ScanFile = { path: 'types.go', text: ['package stats', '', 'type Users []User', '', 'type Paths []Path', ''] };
    const named: ScanFile = {
      path: 'handlers/users.go',
      text: [
        'package handlers',
        '',
        'import (',
        '\t"net/http"',
        '',
        '\t"example.com/stats"',
        ')',
        '',
        'func move(r *http.Request, users stats.Users, ids []int64) {',
        '\tfor _, u := range users {',
        '\t\tu.UpdateSite(r.Context())',
        '\t}',
        '\tmerge := make(stats.Paths, len(ids))',
        '\tfor i := range ids {',
        '\t\tmerge[i].ByID(r.Context(), ids[i])',
        '\t}',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([goMod, models, types, named, main]), ['handlers/users.go:11 warning', 'handlers/users.go:15 warning']);
  });

  it('Go: a key-value package named …db (`boltdb.Get`) is no SQL client, and a package call without the context is not a query', async () => {
    const kv: ScanFile = {
      path: 'store/kv.go',
      text: [
        'package store',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"github.com/x/boltdb"',
        '\t"example.com/stats/configdb"',
        ')',
        '',
        'func Load(ctx context.Context, keys []string) {',
        '\tfor _, k := range keys {',
        '\t\tboltdb.Get(ctx, k)',
        '\t\tconfigdb.Get(k)',
        '\t}',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([goMod, kv]), []);
  });

  it('Go: a loop over `append(tables, "hits", "paths")` (names added to a package-level list of names) runs one statement per table, not per row', async () => {
    const purge: ScanFile = {
      path: 'hit.go',
      text: [
        'package stats',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"zgo.at/zdb"',
        ')',
        '',
        'func Purge(ctx context.Context, siteID int64, ids []int64) error {',
        '\tfor _, t := range append(statTables, "hit_counts", "paths") {',
        '\t\tif err := zdb.Exec(ctx, `delete from `+t+` where site_id = $1`, siteID); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\tfor _, id := range ids {',
        '\t\tif err := zdb.Exec(ctx, `delete from hits where path_id = $1`, id); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    const tables: ScanFile = { path: 'site.go', text: ['package stats', '', 'var statTables = []string{"system_stats", "browser_stats"}', ''] };
    assert.deepEqual(await lines([goMod, purge, tables]), ['hit.go:16 warning']);
    // The list declared in the same file, before the loop (`var statTables = []string{…}`).
    const text = purge.text as string[];
    const together: ScanFile = { path: 'hit.go', text: [...text.slice(0, 8), 'var statTables = []string{"system_stats", "browser_stats"}', '', ...text.slice(8)] };
    assert.deepEqual(await lines([goMod, together]), ['hit.go:18 warning']);
  });

  it('Go: a command of a program kept in its own file of `cmd/<program>/` (package main, no command library) is a script; the program\'s main and serve files are not', () => {
    const text = 'package main\n\nimport "zgo.at/zli"\n\nfunc cmdDB(f zli.Flags) error { return nil }\n';
    assert.equal(codeContextOf('cmd/goatcounter/db.go', text), 'script');
    assert.equal(codeContextOf('cmd/goatcounter/import.go', text), 'script');
    assert.equal(codeContextOf('cmd/goatcounter/serve.go', text), 'request');
    assert.equal(codeContextOf('cmd/goatcounter/main.go', text), 'request');
    assert.equal(codeContextOf('cmd/goatcounter/db.go', 'package goatcounter\n'), 'request');
  });

  it('Python: a Protocol\'s stub of a method (`async def get_by_id(self, id): ...`) is no definition that could stand for the implementation\'s query', async () => {
    const base: ScanFile = {
      path: 'app/repositories/base.py',
      text: [
        'from typing import Generic, Protocol, TypeVar',
        'from sqlalchemy import select',
        'from sqlalchemy.ext.asyncio import AsyncSession',
        '',
        'M = TypeVar("M")',
        '',
        '',
        'class UUIDRepositoryProtocol(Protocol[M]):',
        '    async def get_by_id(self, id) -> M | None: ...  # pragma: no cover',
        '',
        '    async def get_one_or_none(self, statement) -> M | None:',
        '        """The one row, if any."""',
        '',
        '',
        'class BaseRepository(Generic[M]):',
        '    def __init__(self, session: AsyncSession):',
        '        self.session = session',
        '',
        '    async def get_one_or_none(self, statement) -> M | None:',
        '        result = await self.session.execute(statement)',
        '        return result.scalar_one_or_none()',
        '',
        '',
        'class UUIDRepositoryMixin(Generic[M]):',
        '    async def get_by_id(self, id) -> M | None:',
        '        statement = select(self.model).where(self.model.id == id)',
        '        return await self.get_one_or_none(statement)',
        '',
      ],
    };
    const router: ScanFile = {
      path: 'app/routers/roles.py',
      text: [
        'from fastapi import APIRouter, Depends',
        'from app.repositories import PermissionRepository, get_repository',
        '',
        'router = APIRouter()',
        '',
        '',
        '@router.post("/")',
        'async def create_role(body: RoleCreate, permission_repository: PermissionRepository = Depends(get_repository(PermissionRepository))):',
        '    for permission_id in body.permissions:',
        '        permission = await permission_repository.get_by_id(permission_id)',
        '        if permission is None:',
        '            raise ValueError(permission_id)',
        '',
      ],
    };
    assert.deepEqual(await lines([base, router]), ['app/routers/roles.py:10 warning']);
  });

  it('Java: a loop over a name bound to chunks of the input (`partitions = Lists.partition(rows, 100)`; `for (… partition : partitions)`) calls the app\'s function once per chunk', async () => {
    const service: ScanFile = {
      path: 'src/main/java/app/service/DispatchService.java',
      text: [
        'package app.service;',
        '',
        'import org.springframework.stereotype.Service;',
        '',
        '@Service',
        'public class DispatchService {',
        '  private final InstanceRepository instanceRepository;',
        '',
        '  public void redispatch(List<Long> ids) {',
        '    instanceRepository.save(new DispatchLog(ids));',
        '  }',
        '}',
        '',
      ],
    };
    const checker: ScanFile = {
      path: 'src/main/java/app/scheduler/StatusChecker.java',
      text: [
        'package app.scheduler;',
        '',
        'import com.google.common.collect.Lists;',
        'import org.springframework.scheduling.annotation.Scheduled;',
        'import app.service.DispatchService;',
        '',
        'public class StatusChecker {',
        '  private final DispatchService dispatchService;',
        '',
        '  @Scheduled(fixedDelay = 10000)',
        '  public void check(List<Info> rows) {',
        '    final List<List<Info>> partitions = Lists.partition(rows, 100);',
        '    for (List<Info> partition : partitions) {',
        '      dispatchService.redispatch(partition.stream().map(Info::getId).collect(Collectors.toList()));',
        '    }',
        '    for (Info row : rows) {',
        '      dispatchService.redispatch(List.of(row.getId()));',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([service, checker]), ['src/main/java/app/scheduler/StatusChecker.java:17 warning']);
  });

  it('Python: a dict the function fills as it goes (`if key in cache: return cache[key]`, then a query) still reads once per distinct item; a module-level cache does not', async () => {
    const job: ScanFile = {
      path: 'app/tasks.py',
      text: [
        'from sqlalchemy import select',
        '',
        'ORG_CACHE = {}',
        '',
        '',
        'async def org_of(session, org_id):',
        '    if org_id in ORG_CACHE:',
        '        return ORG_CACHE[org_id]',
        '    org = await session.scalar(select(Org).where(Org.id == org_id))',
        '    ORG_CACHE[org_id] = org',
        '    return org',
        '',
        '',
        'async def backfill(session, grants):',
        '    customer_cache = {}',
        '',
        '    async def customer_of(grant):',
        '        if grant.order_id in customer_cache:',
        '            return customer_cache[grant.order_id]',
        '        cid = await session.scalar(select(Order.customer_id).where(Order.id == grant.order_id))',
        '        customer_cache[grant.order_id] = cid',
        '        return cid',
        '',
        '    for grant in grants:',
        '        await customer_of(grant)',
        '        await org_of(session, grant.org_id)',
        '',
      ],
    };
    assert.deepEqual(await lines([job]), ['app/tasks.py:25 warning']);
  });

  it('Java: Spring Data\'s `Page` maps each element (`page.get().map(x -> …)`, `page.map(x -> …)`) — a loop, not an Optional\'s map', async () => {
    const controller: ScanFile = {
      path: 'src/main/java/app/web/NamespaceController.java',
      text: [
        'package app.web;',
        '',
        'import org.springframework.data.domain.Page;',
        'import org.springframework.web.bind.annotation.RestController;',
        '',
        '@RestController',
        'public class NamespaceController {',
        '  private final UserRoleRepository userRoleRepository;',
        '',
        '  public List<NamespaceVO> list(Page<Namespace> page, Optional<Namespace> one) {',
        '    List<NamespaceVO> out = page.get().map(x -> {',
        '      NamespaceVO vo = new NamespaceVO();',
        '      vo.setRoles(userRoleRepository.findById(x.getId()));',
        '      return vo;',
        '    }).collect(Collectors.toList());',
        '    one.map(x -> userRoleRepository.findById(x.getId()));',
        '    return out;',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([controller]), ['src/main/java/app/web/NamespaceController.java:13 warning']);
  });

  it('Java: a service method whose read is a Guava/Caffeine cache loader (`cache.get(id, () -> repo.findById(id))`) queries once per key, not per call; an uncached one still is an N+1', async () => {
    const service: ScanFile = {
      path: 'src/main/java/app/service/UserService.java',
      text: [
        'package app.service;',
        '',
        'import com.google.common.cache.Cache;',
        'import org.springframework.stereotype.Service;',
        '',
        '@Service',
        'public class UserService {',
        '  private final UserRepository userRepository;',
        '  private final Cache<Long, User> userCache;',
        '',
        '  public String showName(Long userId) {',
        '    try {',
        '      User u = userCache.get(userId, () -> userRepository.findById(userId).orElseThrow());',
        '      return u.getName();',
        '    } catch (Exception e) {',
        '      return null;',
        '    }',
        '  }',
        '',
        '  public String email(Long userId) {',
        '    return userRepository.findById(userId).map(User::getEmail).orElse(null);',
        '  }',
        '}',
        '',
      ],
    };
    const controller: ScanFile = {
      path: 'src/main/java/app/web/AppController.java',
      text: [
        'package app.web;',
        '',
        'import org.springframework.web.bind.annotation.RestController;',
        'import app.service.UserService;',
        '',
        '@RestController',
        'public class AppController {',
        '  private final UserService userService;',
        '',
        '  public List<AppVO> list(List<App> apps) {',
        '    return apps.stream().map(a -> {',
        '      AppVO vo = new AppVO();',
        '      vo.setCreator(userService.showName(a.getCreator()));',
        '      vo.setEmail(userService.email(a.getCreator()));',
        '      return vo;',
        '    }).collect(Collectors.toList());',
        '  }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([service, controller]), ['src/main/java/app/web/AppController.java:14 warning']);
  });
});
