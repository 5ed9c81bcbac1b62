/**
 * Kinds seen on the sixth session's held-out apps (issue 14, held-out-f: a Flask + Flask-SQLAlchemy app,
 * a Spring Boot + Spring Data JPA admin app with Redis caches, a Node + Objection/Knex wiki), one small
 * synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';
import { codeContextOf } from '../../../../src/core/codeContext';

describe('core/nplusone kinds seen on held-out-f', () => {
  it('Flask-SQLAlchemy `Model.query` on a model imported from the app\'s models (a parenthesised import over several lines)', async () => {
    const py = [
      'from shop.models import (',
      '    Orders,',
      '    Customers,  # who placed them',
      ')',
      '',
      'def export(rows):',
      '    out = []',
      '    for row in rows:',
      '        customer = Customers.query.filter_by(id=row.customer_id).first()',
      '        out.append(customer.name)',
      '    return out',
      '',
    ];
    await expectNPlusOne(py, 'shop/utils/export.py', [9]);
  });

  it('a loop inside an `except` clause still runs its body once per item; a query in the handler itself does not', async () => {
    const py = [
      'import json',
      'from shop.models import Tags, db',
      '',
      'def load(raw):',
      '    try:',
      '        names = json.loads(raw)',
      '    except ValueError:',
      '        names = [n.strip() for n in raw.split(",")]',
      '        for name in names:',
      '            db.session.add(Tags(value=name))',
      '            db.session.commit()',
      '',
      'def retry(items):',
      '    for item in items:',
      '        try:',
      '            item.send()',
      '        except IOError:',
      '            db.session.commit()',
      '',
    ];
    await expectNPlusOne(py, 'shop/importer_utils.py', [11]);
  });

  it('SQLAlchemy `db.session.add` in a loop only stages rows: the one commit after the loop is the round trip', async () => {
    const py = [
      'from shop.models import Entries, db',
      '',
      'def save(user, values):',
      '    for key, value in values.items():',
      '        db.session.add(Entries(user_id=user.id, key=key, value=value))',
      '    db.session.commit()',
      '',
    ];
    await expectNPlusOne(py, 'shop/profile.py', []);
  });

  it('Knex migrations: a `migrations-<dialect>/` folder and a file that starts with `exports.up =` are migrations', () => {
    assert.equal(codeContextOf('server/db/migrations-sqlite/2.5.1.js'), 'migration');
    assert.equal(codeContextOf('server/db/migrations_mysql/001.js'), 'migration');
    assert.equal(codeContextOf('server/db/upgrade/2.5.1.js', 'exports.up = async knex => {\n  await knex.schema.alterTable("users", t => t.string("x"))\n}\n'), 'migration');
    assert.equal(codeContextOf('server/models/users.js', 'module.exports = class User {}\n'), 'request');
  });

  it('Java: an interface\'s methods are not definitions, so a controller\'s call to a querying service implementation is found', async () => {
    const files = [
      { path: 'src/main/java/shop/service/DeptService.java', text: 'package shop.service;\n\npublic interface DeptService {\n    List<Dept> findChildren(Long id);\n}\n' },
      {
        path: 'src/main/java/shop/service/impl/DeptServiceImpl.java',
        text: [
          'package shop.service.impl;',
          '',
          'public class DeptServiceImpl implements DeptService {',
          '    private final DeptRepository deptRepository;',
          '',
          '    public List<Dept> findChildren(Long id) {',
          '        return deptRepository.findByPid(id);',
          '    }',
          '}',
          '',
        ],
      },
      {
        path: 'src/main/java/shop/rest/DeptController.java',
        text: [
          'package shop.rest;',
          '',
          'public class DeptController {',
          '    private final DeptService deptService;',
          '',
          '    public List<Dept> children(Set<Long> ids) {',
          '        List<Dept> all = new ArrayList<>();',
          '        for (Long id : ids) {',
          '            all.addAll(deptService.findChildren(id));',
          '        }',
          '        return all;',
          '    }',
          '}',
          '',
        ],
      },
    ];
    await expectNPlusOneInScan(files, ['src/main/java/shop/rest/DeptController.java:9']);
  });

  it('Java: a method called on an object of another class (`role.getMenus()` on an entity) is not a service method of that name', async () => {
    const files = [
      {
        path: 'src/main/java/shop/service/impl/MenuServiceImpl.java',
        text: 'package shop.service.impl;\n\npublic class MenuServiceImpl implements MenuService {\n    private final MenuRepository menuRepository;\n\n    public List<Menu> getMenus(Long pid) {\n        return menuRepository.findByPid(pid);\n    }\n}\n',
      },
      {
        path: 'src/main/java/shop/service/impl/RoleServiceImpl.java',
        text: [
          'package shop.service.impl;',
          '',
          'public class RoleServiceImpl {',
          '    public Set<String> permissions(List<Role> roles) {',
          '        Set<String> out = new HashSet<>();',
          '        for (Role role : roles) {',
          '            out.addAll(role.getMenus().stream().map(Menu::getPermission).collect(Collectors.toSet()));',
          '        }',
          '        return out;',
          '    }',
          '}',
          '',
        ],
      },
    ];
    await expectNPlusOneInScan(files, []);
  });

  it('Spring Data: a repository\'s own @Query methods (`selectPathById`, `updateCountById`) are queries', async () => {
    const java = [
      'package shop.service.impl;',
      '',
      'public class FileServiceImpl {',
      '    private final FileRepository fileRepository;',
      '',
      '    public void remove(Long[] ids) {',
      '        for (Long id : ids) {',
      '            String path = fileRepository.selectPathById(id);',
      '            storage.delete(path);',
      '        }',
      '    }',
      '}',
      '',
    ];
    await expectNPlusOne(java, 'src/main/java/shop/service/impl/FileServiceImpl.java', [8]);
  });

  it('a read-through cache (`x = redis.get(k); if (x == null) { x = repo.find(id); redis.set(k, x) }`) is not a query per call', async () => {
    const java = [
      'package shop.service.impl;',
      '',
      'public class UserServiceImpl {',
      '    private final UserRepository userRepository;',
      '    private final RedisUtils redisUtils;',
      '',
      '    public User findById(Long id) {',
      '        User user = redisUtils.get("user::" + id, User.class);',
      '        if (user == null) {',
      '            user = userRepository.findById(id).orElseThrow();',
      '            redisUtils.set("user::" + id, user);',
      '        }',
      '        return user;',
      '    }',
      '',
      '    public List<String> names(List<Long> ids) {',
      '        List<String> out = new ArrayList<>();',
      '        for (Long id : ids) {',
      '            out.add(findById(id).getName());',
      '        }',
      '        return out;',
      '    }',
      '',
      '    public User load(Long id) {',
      '        User user = userRepository.findById(id).orElseThrow();',
      '        if (user == null) {',
      '            throw new IllegalStateException();',
      '        }',
      '        return user;',
      '    }',
      '',
      '    public List<User> loadAll(List<Long> ids) {',
      '        List<User> out = new ArrayList<>();',
      '        for (Long id : ids) {',
      '            out.add(load(id));',
      '        }',
      '        return out;',
      '    }',
      '}',
      '',
    ];
    await expectNPlusOne(java, 'src/main/java/shop/service/impl/UserServiceImpl.java', [35]);
    const py = [
      'from shop.models import Prices',
      '',
      'def price(sku):',
      '    cached = cache.get(f"price:{sku}")',
      '    if cached is None:',
      '        cached = Prices.query.filter_by(sku=sku).first()',
      '        cache.set(f"price:{sku}", cached)',
      '    return cached',
      '',
      'def total(skus):',
      '    return sum(price(s).amount for s in skus)',
      '',
    ];
    await expectNPlusOne(py, 'shop/prices.py', []);
  });

  it('Python: a function imported by name from a module of the project is that module\'s definition, though a migration defines one of the same name', async () => {
    const files = [
      { path: 'shop/utils/__init__.py', text: ['from shop.models import Settings, db', '', 'def put_setting(key, value):', '    row = Settings.query.filter_by(key=key).first()', '    row.value = value', '    db.session.commit()', ''] },
      { path: 'migrations/versions/0042_defaults.py', text: ['def put_setting(key, value):', '    print(key, value)', ''] },
      { path: 'shop/admin.py', text: ['from shop.utils import put_setting', '', 'def save(form):', '    for k, v in form.items():', '        put_setting(k, v)', ''] },
    ];
    await expectNPlusOneInScan(files, ['shop/admin.py:5']);
  });

  it('a `break` inside a switch case ends the switch, not the loop: the query in the case runs per item (Java, TypeScript)', async () => {
    const java = [
      'package shop.service.impl;',
      '',
      'public class ScopeServiceImpl {',
      '    private final DeptRepository deptRepository;',
      '',
      '    public Set<Long> scope(List<Role> roles) {',
      '        Set<Long> ids = new HashSet<>();',
      '        for (Role role : roles) {',
      '            switch (role.getScope()) {',
      '                case CUSTOM:',
      '                    ids.addAll(deptRepository.findByRoleId(role.getId()));',
      '                    break;',
      '                default:',
      '                    return ids;',
      '            }',
      '        }',
      '        return ids;',
      '    }',
      '}',
      '',
    ];
    await expectNPlusOne(java, 'src/main/java/shop/service/impl/ScopeServiceImpl.java', [11]);
    const ts = [
      "import { pool } from './db';",
      '',
      'export async function apply(ops: Op[]) {',
      '  for (const op of ops) {',
      '    switch (op.kind) {',
      "      case 'add':",
      "        await pool.query('INSERT INTO t (id) VALUES ($1)', [op.id]);",
      '        break;',
      '      default:',
      "        throw new Error('unknown');",
      '    }',
      '  }',
      '}',
      '',
      'export async function firstMatch(ids: number[]) {',
      '  for (const id of ids) {',
      "    const r = await pool.query('SELECT * FROM t WHERE id = $1', [id]);",
      '    break;',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(ts, 'src/ops.ts', [7]);
  });
});
