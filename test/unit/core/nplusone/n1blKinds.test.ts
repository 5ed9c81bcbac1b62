/**
 * The "no query per item" kind of the twelve N+1 splits (n1bl, issue 14): a callee declared cached, or a look-up kept
 * per key in a map, in the shapes each language writes it — async-lru's `@alru_cache`, a get-or-set memo method over a
 * map (Java, Go, Python), a miss handled in the `else` of a test that the key is there, a `map.get(k) == null` guard,
 * and an item skipped (`continue`) when its key is already kept. Each test failed before its fix; the controls keep what
 * must stay as it was (a map never filled, a key that is the item itself, a function with no cache).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1bl: no query per item (caches)', () => {
  // Python: a module whose loader reads a manifest row, and a service calling it per action of a lock.
  const registry = (decorator: string): ScanFile => ({
    path: 'app/registry/resolver.py',
    text: [
      'from async_lru import alru_cache',
      'from sqlalchemy import select',
      'from app.db import get_session',
      'from app.models import Manifest',
      '',
      ...(decorator ? [decorator] : []),
      'async def get_manifest(origin: str, version: str):',
      '    async with get_session() as session:',
      '        return await session.scalar(select(Manifest).where(Manifest.origin == origin, Manifest.version == version))',
      '',
    ],
  });
  const actions: ScanFile = {
    path: 'app/actions/service.py',
    text: [
      'from app.registry.resolver import get_manifest',
      '',
      'async def resolve_actions(lock, names):',
      '    out = {}',
      '    for name in names:',
      '        origin = lock.actions[name]',
      '        out[name] = await get_manifest(origin, lock.origins[origin])',
      '    return out',
      '',
    ],
  };

  it('Python: a function under async-lru\'s @alru_cache queries once per distinct key, not per item', async () => {
    assert.deepEqual(await scanLines([registry('@alru_cache(maxsize=64, ttl=300)'), actions]), []);
  });

  it('control: the same function with no cache queries per item', async () => {
    assert.deepEqual(await scanLines([registry(''), actions]), ['app/actions/service.py:7 warning']);
  });

  // Java: an export that names each card's creator through a helper keeping names per user id in a map it is handed.
  const userRepo: ScanFile = {
    path: 'src/main/java/app/repo/UserRepository.java',
    text: [
      'package app.repo;',
      '',
      'import app.domain.User;',
      'import org.springframework.jdbc.core.JdbcTemplate;',
      'import org.springframework.stereotype.Repository;',
      '',
      '@Repository',
      'public class UserRepository {',
      '  private final JdbcTemplate jdbc;',
      '',
      '  public UserRepository(JdbcTemplate jdbc) {',
      '    this.jdbc = jdbc;',
      '  }',
      '',
      '  public User findById(int id) {',
      '    return jdbc.queryForObject("SELECT id, name FROM app_user WHERE id = ?", (rs, i) -> new User(rs.getInt(1), rs.getString(2)), id);',
      '  }',
      '}',
      '',
    ],
  };
  const exporter = (helper: string[]): ScanFile => ({
    path: 'src/main/java/app/service/ReportService.java',
    text: [
      'package app.service;',
      '',
      'import app.domain.Card;',
      'import app.domain.User;',
      'import app.repo.UserRepository;',
      'import java.util.HashMap;',
      'import java.util.List;',
      'import java.util.Map;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class ReportService {',
      '  private final UserRepository userRepository;',
      '',
      '  public ReportService(UserRepository userRepository) {',
      '    this.userRepository = userRepository;',
      '  }',
      '',
      '  private String nameOf(Map<Integer, String> names, Integer userId) {',
      ...helper,
      '  }',
      '',
      '  public String report(List<Card> cards) {',
      '    StringBuilder sb = new StringBuilder();',
      '    Map<Integer, String> names = new HashMap<>();',
      '    for (Card card : cards) {',
      '      sb.append(nameOf(names, card.getCreatorId()));',
      '    }',
      '    return sb.toString();',
      '  }',
      '}',
      '',
    ],
  });

  it('Java: a helper that is a get-or-set memo over a map (containsKey, or get then == null, then put) queries once per key', async () => {
    assert.deepEqual(await scanLines([userRepo, exporter([
      '    if (!names.containsKey(userId)) {',
      '      User user = userRepository.findById(userId);',
      '      names.put(userId, user.getName());',
      '    }',
      '    return names.get(userId);',
    ])]), []);
    assert.deepEqual(await scanLines([userRepo, exporter([
      '    String name = names.get(userId);',
      '    if (name == null) {',
      '      name = userRepository.findById(userId).getName();',
      '      names.put(userId, name);',
      '    }',
      '    return name;',
    ])]), []);
  });

  it('control: a helper that tests the map but never fills it still queries per item', async () => {
    assert.deepEqual(await scanLines([userRepo, exporter([
      '    if (!names.containsKey(userId)) {',
      '      return userRepository.findById(userId).getName();',
      '    }',
      '    return names.get(userId);',
    ])]), ['src/main/java/app/service/ReportService.java:30 warning']);
  });

  // Go: notifications whose users are refreshed through a helper keeping users per id in a map the caller shares.
  const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/notes', '', 'go 1.22', ''] };
  const refresh = (helper: string[]): ScanFile => ({
    path: 'pkg/models/refresh.go',
    text: [
      'package models',
      '',
      'import (',
      '\t"database/sql"',
      ')',
      '',
      'type User struct {',
      '\tID   int64',
      '\tName string',
      '}',
      '',
      'func getUserByID(db *sql.DB, id int64) (*User, error) {',
      '\tu := &User{ID: id}',
      '\terr := db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)',
      '\treturn u, err',
      '}',
      '',
      'func refreshUser(db *sql.DB, u *User, cache map[string]*User) {',
      ...helper,
      '}',
      '',
      'func RefreshAll(db *sql.DB, users []*User) {',
      '\tcache := make(map[string]*User)',
      '\tfor _, u := range users {',
      '\t\trefreshUser(db, u, cache)',
      '\t}',
      '}',
      '',
    ],
  });

  it('Go: a helper that is a get-or-set memo over a map (v, ok := m[k]; if !ok { …; m[k] = v }) queries once per key', async () => {
    // (Keyed by a value objects share; a map keyed by the object's own id, `cache[u.ID]`, is one entry per object.)
    assert.deepEqual(await scanLines([goMod, refresh([
      '\tfresh, ok := cache[u.Name]',
      '\tif !ok {',
      '\t\tloaded, err := getUserByID(db, u.ID)',
      '\t\tif err != nil {',
      '\t\t\treturn',
      '\t\t}',
      '\t\tfresh = loaded',
      '\t\tcache[u.Name] = fresh',
      '\t}',
      '\t*u = *fresh',
    ])]), []);
  });

  it('control: the same memo keyed by the object\'s own id (cache[u.ID]) is one entry per object: still per item', async () => {
    assert.deepEqual(await scanLines([goMod, refresh([
      '\tfresh, ok := cache[u.ID]',
      '\tif !ok {',
      '\t\tloaded, _ := getUserByID(db, u.ID)',
      '\t\tfresh = loaded',
      '\t\tcache[u.ID] = fresh',
      '\t}',
      '\t*u = *fresh',
    ])]), ['pkg/models/refresh.go:31 warning']);
  });

  it('control: the helper reading the map but loading on every call still queries per item', async () => {
    assert.deepEqual(await scanLines([goMod, refresh([
      '\tfresh, ok := cache[u.ID]',
      '\tif !ok || fresh == nil {',
      '\t\tfresh = u',
      '\t}',
      '\tloaded, err := getUserByID(db, fresh.ID)',
      '\tif err == nil {',
      '\t\t*u = *loaded',
      '\t}',
    ])]), ['pkg/models/refresh.go:32 warning']);
  });

  // Loops that keep what they read per key, in the shapes the helpers above do not cover.
  const catalog: ScanFile = {
    path: 'app/catalog/service.py',
    text: [
      'from sqlalchemy import select',
      'from app.models import CatalogEntry',
      '',
      'class CatalogService:',
      '    def __init__(self, session):',
      '        self.session = session',
      '',
      '    async def resolve_id(self, provider, name):',
      '        return await self.session.scalar(select(CatalogEntry.id).where(CatalogEntry.provider == provider, CatalogEntry.name == name))',
      '',
    ],
  };
  const workflows = (body: string[]): ScanFile => ({
    path: 'app/workflows/service.py',
    text: [
      'from app.catalog.service import CatalogService',
      '',
      'class WorkflowService:',
      '    def __init__(self, session):',
      '        self.catalog = CatalogService(session)',
      '',
      '    async def bind_models(self, steps):',
      '        resolved = {}',
      '        for step in steps:',
      '            key = (step.provider, step.model)',
      ...body,
      '            step.catalog_id = local_id',
      '',
    ],
  });

  it('Python: a miss handled in the else of `if key in cache:` and stored under the key is one call per distinct key', async () => {
    assert.deepEqual(await scanLines([catalog, workflows([
      '            if key in resolved:',
      '                local_id = resolved[key]',
      '            else:',
      '                local_id = await self.catalog.resolve_id(step.provider, step.model)',
      '                resolved[key] = local_id',
    ])]), []);
  });

  it('control: the same else branch that never stores the value queries per item', async () => {
    assert.deepEqual(await scanLines([catalog, workflows([
      '            if key in resolved:',
      '                local_id = resolved[key]',
      '            else:',
      '                local_id = await self.catalog.resolve_id(step.provider, step.model)',
    ])]), ['app/workflows/service.py:14 warning']);
  });

  // Java: tag definitions kept per definition id for one object's tags, guarded by `map.get(k) == null`.
  const tagApi: ScanFile = {
    path: 'src/main/java/app/repo/TagDefinitionRepository.java',
    text: [
      'package app.repo;',
      '',
      'import app.domain.TagDefinition;',
      'import org.springframework.jdbc.core.JdbcTemplate;',
      'import org.springframework.stereotype.Repository;',
      '',
      '@Repository',
      'public class TagDefinitionRepository {',
      '  private final JdbcTemplate jdbc;',
      '',
      '  public TagDefinitionRepository(JdbcTemplate jdbc) {',
      '    this.jdbc = jdbc;',
      '  }',
      '',
      '  public TagDefinition findDefinition(String id) {',
      '    return jdbc.queryForObject("SELECT id, name FROM tag_definition WHERE id = ?", (rs, i) -> new TagDefinition(rs.getString(1), rs.getString(2)), id);',
      '  }',
      '}',
      '',
    ],
  };
  const tags = (body: string[]): ScanFile => ({
    path: 'src/main/java/app/service/TagService.java',
    text: [
      'package app.service;',
      '',
      'import app.domain.Tag;',
      'import app.domain.TagDefinition;',
      'import app.repo.TagDefinitionRepository;',
      'import java.util.HashMap;',
      'import java.util.List;',
      'import java.util.Map;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class TagService {',
      '  private final TagDefinitionRepository definitions;',
      '',
      '  public TagService(TagDefinitionRepository definitions) {',
      '    this.definitions = definitions;',
      '  }',
      '',
      '  public int names(List<Tag> tags) {',
      '    Map<String, TagDefinition> cache = new HashMap<>();',
      '    int n = 0;',
      '    for (Tag tag : tags) {',
      ...body,
      '      n += cache.get(tag.getDefinitionId()).getName().length();',
      '    }',
      '    return n;',
      '  }',
      '}',
      '',
    ],
  });

  it('Java: a guard `cache.get(k) == null` whose branch puts the value under k is one call per distinct key', async () => {
    assert.deepEqual(await scanLines([tagApi, tags([
      '      if (cache.get(tag.getDefinitionId()) == null) {',
      '        cache.put(tag.getDefinitionId(), definitions.findDefinition(tag.getDefinitionId()));',
      '      }',
    ])]), []);
  });

  it('control: the same guard keyed by the item itself is still one call per item', async () => {
    assert.deepEqual(await scanLines([tagApi, tags([
      '      if (cache.get(tag) == null) {',
      '        cache.put(tag.getDefinitionId(), definitions.findDefinition(tag.getDefinitionId()));',
      '      }',
    ])]), ['src/main/java/app/service/TagService.java:24 warning']);
  });

  // Go: prices resolved per distinct (provider, model), an item skipped when its key is already kept.
  const prices = (body: string[]): ScanFile => ({
    path: 'internal/cost/adapter.go',
    text: [
      'package cost',
      '',
      'import (',
      '\t"database/sql"',
      ')',
      '',
      'type priceKey struct{ provider, model string }',
      '',
      'type usage struct{ Provider, Model string }',
      '',
      'func resolvePrice(db *sql.DB, provider, model string) (float64, error) {',
      '\tvar p float64',
      '\terr := db.QueryRow("SELECT price FROM llm_prices WHERE provider = $1 AND model = $2", provider, model).Scan(&p)',
      '\treturn p, err',
      '}',
      '',
      'func Prices(db *sql.DB, rows []usage) map[priceKey]float64 {',
      '\tcache := make(map[priceKey]float64)',
      '\tfor _, row := range rows {',
      '\t\tkey := priceKey{row.Provider, row.Model}',
      '\t\tif _, exists := cache[key]; exists {',
      '\t\t\tcontinue',
      '\t\t}',
      '\t\tprice, err := resolvePrice(db, row.Provider, row.Model)',
      '\t\tif err != nil {',
      '\t\t\tcontinue',
      '\t\t}',
      ...body,
      '\t}',
      '\treturn cache',
      '}',
      '',
    ],
  });

  it('Go: an item skipped when its key is already in the map the loop fills is one call per distinct key', async () => {
    assert.deepEqual(await scanLines([goMod, prices(['\t\tcache[key] = price'])]), []);
  });

  it('control: the same skip over a map the loop never fills queries per item', async () => {
    assert.deepEqual(await scanLines([goMod, prices(['\t\t_ = price'])]), ['internal/cost/adapter.go:24 warning']);
  });

  // Java: rows named like DAOs (`TagModelDao`: fields and getters, no database handle) read in a lambda whose parameter's
  // class the code does not name.
  const tagRow: ScanFile = {
    path: 'src/main/java/app/tag/dao/TagModelDao.java',
    text: [
      'package app.tag.dao;',
      '',
      'import java.util.UUID;',
      '',
      'public class TagModelDao {',
      '  private UUID definitionId;',
      '  private UUID objectId;',
      '',
      '  public UUID getDefinitionId() { return definitionId; }',
      '  public UUID getObjectId() { return objectId; }',
      '}',
      '',
    ],
  };
  const tagDao = (extra: string[]): ScanFile => ({
    path: 'src/main/java/app/tag/dao/TagDao.java',
    text: [
      'package app.tag.dao;',
      '',
      'import java.util.List;',
      'import org.springframework.jdbc.core.JdbcTemplate;',
      'import org.springframework.stereotype.Repository;',
      '',
      '@Repository',
      'public class TagDao {',
      '  private final JdbcTemplate jdbc;',
      '',
      '  public TagDao(JdbcTemplate jdbc) {',
      '    this.jdbc = jdbc;',
      '  }',
      '',
      '  public List<TagModelDao> getTags(String objectId) {',
      '    return jdbc.query("SELECT definition_id, object_id FROM tag WHERE object_id = ?", (rs, i) -> new TagModelDao(), objectId);',
      '  }',
      ...extra,
      '}',
      '',
    ],
  });
  const tagApiUser: ScanFile = {
    path: 'src/main/java/app/tag/api/TagApi.java',
    text: [
      'package app.tag.api;',
      '',
      'import app.tag.dao.TagDao;',
      'import java.util.List;',
      'import java.util.stream.Collectors;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class TagApi {',
      '  private final TagDao tagDao;',
      '',
      '  public TagApi(TagDao tagDao) {',
      '    this.tagDao = tagDao;',
      '  }',
      '',
      '  public List<String> tags(String objectId) {',
      '    return tagDao.getTags(objectId).stream()',
      '        .map(modelDao -> modelDao.getDefinitionId() + ":" + modelDao.getObjectId())',
      '        .collect(Collectors.toList());',
      '  }',
      '}',
      '',
    ],
  };

  it('Java: getters of a data class read on a lambda parameter named like a DAO are no queries', async () => {
    assert.deepEqual((await scanLines([tagRow, tagDao([]), tagApiUser])).filter((l) => / (warning|error)$/.test(l)), []);
  });

  it('control: a getter name a DAO also declares without parameters, reaching the database, is still a query', async () => {
    const daoGetter = [
      '',
      '  public java.util.UUID getDefinitionId() {',
      '    return jdbc.queryForObject("SELECT max(definition_id) FROM tag", java.util.UUID.class);',
      '  }',
    ];
    assert.deepEqual((await scanLines([tagRow, tagDao(daoGetter), tagApiUser])).filter((l) => / (warning|error)$/.test(l)), ['src/main/java/app/tag/api/TagApi.java:18 warning']);
  });

  it('control: an item skipped when its own id is kept (distinct items, a dedupe) still queries per item', async () => {
    const dedupe: ScanFile = {
      path: 'internal/notify/notify.go',
      text: [
        'package notify',
        '',
        'import (',
        '\t"database/sql"',
        ')',
        '',
        'type user struct{ ID int64 }',
        '',
        'func Notify(db *sql.DB, authors []user, seen map[int64]user) {',
        '\tfor _, u := range authors {',
        '\t\tif _, has := seen[u.ID]; has {',
        '\t\t\tcontinue',
        '\t\t}',
        '\t\tdb.Exec("INSERT INTO notifications (user_id) VALUES ($1)", u.ID)',
        '\t\tseen[u.ID] = u',
        '\t}',
        '}',
        '',
      ],
    };
    assert.deepEqual(await scanLines([goMod, dedupe]), ['internal/notify/notify.go:14 warning']);
  });

  it('control: a helper whose map look-up sits in a loop of its own (a row\'s path parts created when new) still queries per item', async () => {
    assert.deepEqual(await scanLines([goMod, refresh([
      '\tfor _, key := range []string{u.Name, u.Name + "-old"} {',
      '\t\tfresh, ok := cache[key]',
      '\t\tif !ok {',
      '\t\t\tloaded, err := getUserByID(db, u.ID)',
      '\t\t\tif err != nil {',
      '\t\t\t\treturn',
      '\t\t\t}',
      '\t\t\tfresh = loaded',
      '\t\t\tcache[key] = fresh',
      '\t\t}',
      '\t\t*u = *fresh',
      '\t}',
    ])]), ['pkg/models/refresh.go:36 warning']);
  });
});
