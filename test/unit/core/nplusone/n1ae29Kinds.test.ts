/**
 * Kinds of mistake the blind split held-out-ae showed (notes: n1ae29), each keyed on what the code shows.
 * Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines, scanWarnings as warnings } from '../../support/nplusoneFixtures';

/** A Go repository file on ent: its package, imports and repository type. */
const ENT_REPO_HEAD = ['package repo', '', 'import (', '\t"context"', '', '\t"example.com/app/ent"', '\t"example.com/app/ent/entity"', ')', '', 'type EntityRepository struct{ db *ent.Client }'];

describe('N+1 kinds of held-out-ae (n1ae29): redbean-node', () => {
  const model: ScanFile = {
    path: 'server/model/monitor.js',
    text: [
      'const { BeanModel } = require("redbean-node/dist/bean-model");',
      'const { R } = require("redbean-node");',
      '',
      'class Monitor extends BeanModel {',
      '    static async isUnderMaintenance(monitorID) {',
      '        const ids = await R.getCol("SELECT maintenance_id FROM monitor_maintenance WHERE monitor_id = ?", [monitorID]);',
      '        return ids.length > 0;',
      '    }',
      '}',
      '',
      'module.exports = Monitor;',
      '',
    ],
  };
  it('R.getAll / R.exec / R.store on the R of `require("redbean-node")` are database calls; R.dispense is not', async () => {
    const f: ScanFile = {
      path: 'server/routers/status-page-router.js',
      text: [
        'const { R } = require("redbean-node");',
        '',
        'async function heartbeats(statusPageID, proxyID) {',
        '    const ids = await R.getCol("SELECT monitor_id FROM monitor_group WHERE status_page_id = ?", [statusPageID]);',
        '    const out = {};',
        '    for (const id of ids) {',
        '        out[id] = await R.getAll("SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC LIMIT 100", [id]);',
        '    }',
        '    for (const id of ids) {',
        '        await R.exec("UPDATE monitor SET proxy_id = ? WHERE id = ?", [proxyID, id]);',
        '    }',
        '    for (const id of ids) {',
        '        const bean = R.dispense("monitor_group");',
        '        bean.monitor_id = id;',
        '        await R.store(bean);',
        '    }',
        '    return out;',
        '}',
        '',
        'module.exports = { heartbeats };',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['server/routers/status-page-router.js:10 warning', 'server/routers/status-page-router.js:15 warning', 'server/routers/status-page-router.js:7 warning']);
  });
  it('a model static that runs R.getCol, called per item of `Promise.all(items.map(…))` from another file, is an N+1', async () => {
    const f: ScanFile = {
      path: 'server/uptime-kuma-server.js',
      text: [
        'const Monitor = require("./model/monitor");',
        '',
        'async function preload(monitorData) {',
        '    return await Promise.all(',
        '        monitorData.map((monitor) => Monitor.isUnderMaintenance(monitor.id))',
        '    );',
        '}',
        '',
        'module.exports = { preload };',
        '',
      ],
    };
    assert.deepEqual(await warnings([model, f]), ['server/uptime-kuma-server.js:5 warning']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): Go ent builders held in a variable', () => {
  it('an ent builder bound to a variable (`q := r.db.Entity.Update().Where(…)`, `var q *ent.EntityQuery`) and run later (`q.Save(ctx)`) is a database call', async () => {
    const f: ScanFile = {
      path: 'internal/data/repo/repo_entities.go',
      text: [
        ...ENT_REPO_HEAD,
        '',
        'func (r *EntityRepository) SetAssetID(ctx context.Context, id int, assetID int64) error {',
        '\tq := r.db.Entity.Update().Where(entity.ID(id))',
        '\t_, err := q.SetAssetID(assetID).Save(ctx)',
        '\treturn err',
        '}',
        '',
        'func (r *EntityRepository) getOne(ctx context.Context, tx *ent.Tx, ref string) (*ent.Entity, error) {',
        '\tvar q *ent.EntityQuery',
        '\tif tx != nil {',
        '\t\tq = tx.Entity.Query().Where(entity.ImportRef(ref))',
        '\t} else {',
        '\t\tq = r.db.Entity.Query().Where(entity.ImportRef(ref))',
        '\t}',
        '\treturn q.WithFields().Only(ctx)',
        '}',
        '',
        'func (r *EntityRepository) EnsureAssetIDs(ctx context.Context, ids []int) error {',
        '\tfor i, id := range ids {',
        '\t\tif err := r.SetAssetID(ctx, id, int64(i)); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func (r *EntityRepository) Parents(ctx context.Context, refs []string) error {',
        '\tfor _, ref := range refs {',
        '\t\tif _, err := r.getOne(ctx, nil, ref); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func (r *EntityRepository) ZeroOut(ctx context.Context, ids []int) error {',
        '\tfor _, id := range ids {',
        '\t\tupdateQ := r.db.Entity.Update().Where(entity.ID(id))',
        '\t\tupdateQ.ClearPurchaseDate()',
        '\t\tif _, err := updateQ.Save(ctx); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['internal/data/repo/repo_entities.go:30 warning', 'internal/data/repo/repo_entities.go:39 warning', 'internal/data/repo/repo_entities.go:50 warning']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): a value bound over several lines', () => {
  it('Go: the item handed to a repository method reaches its query through a builder bound over several lines (`q := r.db.Entity.Update().Where(\\n entity.ID(id),\\n)`)', async () => {
    const repo: ScanFile = {
      path: 'internal/data/repo/repo_entities.go',
      text: [
        ...ENT_REPO_HEAD,
        '',
        'func (r *EntityRepository) SetAssetID(ctx context.Context, id int, assetID int64) error {',
        '\tq := r.db.Entity.Update().Where(',
        '\t\tentity.ID(id),',
        '\t)',
        '\t_, err := q.SetAssetID(assetID).Save(ctx)',
        '\treturn err',
        '}',
        '',
      ],
    };
    const svc: ScanFile = {
      path: 'internal/core/services/service_entities.go',
      text: [
        'package services',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/app/internal/data/repo"',
        ')',
        '',
        'type EntityService struct{ repo *repo.AllRepos }',
        '',
        'func (svc *EntityService) EnsureAssetID(ctx context.Context, items []repo.EntityOut, highest int64) error {',
        '\tfor _, item := range items {',
        '\t\thighest++',
        '\t\tif err := svc.repo.Entities.SetAssetID(ctx, item.ID, highest); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    assert.ok((await lines([repo, svc])).includes('internal/core/services/service_entities.go:14 info'), (await lines([repo, svc])).join('\n'));
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): MyBatis-Plus', () => {
  const impl: ScanFile = {
    path: 'src/main/java/xyz/app/service/impl/LdapUserServiceImpl.java',
    text: [
      'package xyz.app.service.impl;',
      '',
      'import com.baomidou.mybatisplus.extension.service.impl.ServiceImpl;',
      'import org.springframework.stereotype.Service;',
      'import xyz.app.domain.LdapUser;',
      'import xyz.app.mapper.LdapUserMapper;',
      'import xyz.app.service.LdapUserService;',
      '',
      '@Service',
      'public class LdapUserServiceImpl extends ServiceImpl<LdapUserMapper, LdapUser>',
      '        implements LdapUserService {',
      '    @Override',
      '    public LdapUser findByUUID(String id) {',
      '        return getOne(query().getWrapper().eq("uuid", id));',
      '    }',
      '',
      '    @Override',
      '    public void updateCN(Integer id, String cn) {',
      '        LdapUser user = new LdapUser();',
      '        user.setId(id);',
      '        user.setCn(cn);',
      '        updateById(user);',
      '    }',
      '',
      '    @Override',
      '    public long countByDep(Integer depId) {',
      '        return baseMapper.selectCount(query().getWrapper().eq("dep_id", depId));',
      '    }',
      '}',
      '',
    ],
  };
  const iface: ScanFile = {
    path: 'src/main/java/xyz/app/service/LdapUserService.java',
    text: [
      'package xyz.app.service;',
      '',
      'import com.baomidou.mybatisplus.extension.service.IService;',
      'import xyz.app.domain.LdapUser;',
      '',
      'public interface LdapUserService extends IService<LdapUser> {',
      '    LdapUser findByUUID(String id);',
      '',
      '    void updateCN(Integer id, String cn);',
      '',
      '    long countByDep(Integer depId);',
      '}',
      '',
    ],
  };
  it('the IService methods a ServiceImpl calls on itself (getOne, updateById) and its baseMapper\'s (selectCount) run queries: the app\'s service methods over them are N+1s in a loop', async () => {
    const bus: ScanFile = {
      path: 'src/main/java/xyz/app/bus/LDAPBus.java',
      text: [
        'package xyz.app.bus;',
        '',
        'import java.util.List;',
        'import org.springframework.stereotype.Component;',
        'import xyz.app.domain.LdapUser;',
        'import xyz.app.service.LdapUserService;',
        '',
        '@Component',
        'public class LDAPBus {',
        '    private final LdapUserService ldapUserService;',
        '',
        '    public LDAPBus(LdapUserService ldapUserService) {',
        '        this.ldapUserService = ldapUserService;',
        '    }',
        '',
        '    public void userSync(List<LdapTransformUser> users, List<Integer> depIds) {',
        '        for (LdapTransformUser user : users) {',
        '            LdapUser existing = ldapUserService.findByUUID(user.getId());',
        '            if (existing != null) {',
        '                ldapUserService.updateCN(existing.getId(), user.getCn());',
        '            }',
        '        }',
        '        for (Integer depId : depIds) {',
        '            ldapUserService.countByDep(depId);',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([impl, iface, bus]), ['src/main/java/xyz/app/bus/LDAPBus.java:18 warning', 'src/main/java/xyz/app/bus/LDAPBus.java:20 warning', 'src/main/java/xyz/app/bus/LDAPBus.java:24 warning']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): a constant list a function of the project returns', () => {
  it('Go: a loop over `defaultTags()` (a function of the package that returns a literal list of a few items) is not per data item; a loop over a parameter still is', async () => {
    const repo: ScanFile = {
      path: 'internal/data/repo/repo_tags.go',
      text: [
        'package repo',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/app/ent"',
        ')',
        '',
        'type TagCreate struct{ Name string }',
        '',
        'type TagRepository struct{ db *ent.Client }',
        '',
        'func (r *TagRepository) Create(ctx context.Context, gid int, data TagCreate) (*ent.Tag, error) {',
        '\treturn r.db.Tag.Create().SetName(data.Name).SetGroupID(gid).Save(ctx)',
        '}',
        '',
      ],
    };
    const defaults: ScanFile = {
      path: 'internal/core/services/service_user_defaults.go',
      text: [
        'package services',
        '',
        'import "example.com/app/internal/data/repo"',
        '',
        'func defaultTags() []repo.TagCreate {',
        '\treturn []repo.TagCreate{',
        '\t\t{',
        '\t\t\tName: "Appliances",',
        '\t\t},',
        '\t\t{',
        '\t\t\tName: "IOT",',
        '\t\t},',
        '\t\t{',
        '\t\t\tName: "Electronics",',
        '\t\t},',
        '\t}',
        '}',
        '',
      ],
    };
    const svc: ScanFile = {
      path: 'internal/core/services/service_user.go',
      text: [
        'package services',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/app/internal/data/repo"',
        ')',
        '',
        'type UserService struct{ repos *repo.AllRepos }',
        '',
        'func (svc *UserService) RegisterUser(ctx context.Context, gid int) error {',
        '\tfor _, tag := range defaultTags() {',
        '\t\tif _, err := svc.repos.Tags.Create(ctx, gid, tag); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func (svc *UserService) ImportTags(ctx context.Context, gid int, tags []repo.TagCreate) error {',
        '\tfor _, tag := range tags {',
        '\t\tif _, err := svc.repos.Tags.Create(ctx, gid, tag); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    const found = (await lines([repo, defaults, svc])).filter((l) => l.startsWith('internal/core/services/service_user.go'));
    assert.deepEqual(found, ['internal/core/services/service_user.go:22 info']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): a parameter pushed onto the query\'s parameters', () => {
  it('JS: `queryParams.push(monitorID)` makes the query depend on monitorID, so a loop passing each child\'s id is an N+1', async () => {
    const srv: ScanFile = {
      path: 'server/uptime-kuma-server.js',
      text: [
        'const { R } = require("redbean-node");',
        '',
        'class UptimeKumaServer {',
        '    async sendUpdateMonitorIntoList(socket, monitorID) {',
        '        const list = await this.getMonitorJSONList(socket.userID, monitorID);',
        '        socket.emit("updateMonitorIntoList", list);',
        '    }',
        '',
        '    async getMonitorJSONList(userID, monitorID = null) {',
        '        let query = " user_id = ? ";',
        '        let queryParams = [userID];',
        '        if (monitorID) {',
        '            query += "AND id = ? ";',
        '            queryParams.push(monitorID);',
        '        }',
        '        return await R.find("monitor", query + "ORDER BY weight DESC, name", queryParams);',
        '    }',
        '}',
        '',
        'module.exports = { UptimeKumaServer };',
        '',
      ],
    };
    const handler: ScanFile = {
      path: 'server/socket-handlers/monitor-handler.js',
      text: [
        'async function unlinkChildren(server, socket, children) {',
        '    for (const child of children) {',
        '        await server.sendUpdateMonitorIntoList(socket, child.id);',
        '    }',
        '}',
        '',
        'module.exports = { unlinkChildren };',
        '',
      ],
    };
    assert.deepEqual(await warnings([srv, handler]), ['server/socket-handlers/monitor-handler.js:3 warning']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): database/sql through a handle\'s accessor', () => {
  it('Go: `r.db.Sql().QueryContext(ctx, q, id)` (the *sql.DB an ORM client hands out) is a database call', async () => {
    const f: ScanFile = {
      path: 'internal/data/repo/repo_paths.go',
      text: [
        ...ENT_REPO_HEAD.filter((l) => !l.includes('ent/entity')),
        '',
        'func (r *EntityRepository) Paths(ctx context.Context, ids []int) error {',
        '\tfor _, id := range ids {',
        '\t\trows, err := r.db.Sql().QueryContext(ctx, "SELECT id, name FROM entities WHERE parent_id = $1", id)',
        '\t\tif err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t\trows.Close()',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), ['internal/data/repo/repo_paths.go:13 warning']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): Spring start-up runners', () => {
  it('Java: the run(…) of a CommandLineRunner / ApplicationRunner runs once at start-up (not reported); the same loop in a class that is no runner stays a warning', async () => {
    const f: ScanFile = {
      path: 'src/main/java/xyz/app/checks/MigrationCheck.java',
      text: [
        'package xyz.app.checks;',
        '',
        'import java.util.List;',
        'import java.util.Map;',
        'import org.springframework.boot.CommandLineRunner;',
        'import org.springframework.jdbc.core.JdbcTemplate;',
        'import org.springframework.stereotype.Component;',
        '',
        '@Component',
        'public class MigrationCheck implements CommandLineRunner {',
        '    private final JdbcTemplate jdbcTemplate;',
        '    private final List<Map<String, String>> tableSql;',
        '',
        '    public MigrationCheck(JdbcTemplate jdbcTemplate, List<Map<String, String>> tableSql) {',
        '        this.jdbcTemplate = jdbcTemplate;',
        '        this.tableSql = tableSql;',
        '    }',
        '',
        '    @Override',
        '    public void run(String... args) throws Exception {',
        '        for (Map<String, String> item : tableSql) {',
        '            jdbcTemplate.update("INSERT INTO migrations (name) VALUES (?)", item.get("name"));',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([f]), []);
    const plain: ScanFile = { path: f.path, text: (f.text as string[]).map((l) => l.replace(' implements CommandLineRunner', '')) };
    assert.deepEqual(await warnings([plain]), ['src/main/java/xyz/app/checks/MigrationCheck.java:22 warning']);
  });
});

describe('N+1 kinds of held-out-ae (n1ae29): a storage bucket or S3 wrapper called first', () => {
  it('Go: a row deleted after its blob is deleted from a bucket (`bucket.Delete(ctx, path)`) is paced by the storage call (info); without it, a warning', async () => {
    const text = [
      'package api',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      '',
      '\t"gocloud.dev/blob"',
      ')',
      '',
      'type export struct{ ID int64; Path string }',
      '',
      'func purge(ctx context.Context, db *sql.DB, bucket *blob.Bucket, candidates []export) {',
      '\tfor _, e := range candidates {',
      '\t\tif err := bucket.Delete(ctx, e.Path); err != nil {',
      '\t\t\tcontinue',
      '\t\t}',
      '\t\tif _, err := db.ExecContext(ctx, "DELETE FROM exports WHERE id = $1", e.ID); err != nil {',
      '\t\t\tcontinue',
      '\t\t}',
      '\t}',
      '}',
      '',
    ];
    const f: ScanFile = { path: 'app/api/recurring.go', text };
    assert.deepEqual(await lines([f]), ['app/api/recurring.go:17 info']);
    const noBucket: ScanFile = { path: f.path, text: text.filter((_, i) => i < 13 || i > 15) };
    assert.deepEqual(await lines([noBucket]), ['app/api/recurring.go:14 warning']);
  });
  it('Java: a row deleted after its file is removed through the app\'s S3 wrapper (`s3Util.removeByPath(…)`) is paced by the storage call (info)', async () => {
    const f: ScanFile = {
      path: 'src/main/java/xyz/app/controller/ResourceController.java',
      text: [
        'package xyz.app.controller;',
        '',
        'import java.util.List;',
        'import org.springframework.jdbc.core.JdbcTemplate;',
        '',
        'public class ResourceController {',
        '    private JdbcTemplate jdbcTemplate;',
        '',
        '    public void destroyMulti(List<Resource> resources, S3Util s3Util) {',
        '        for (Resource resourceItem : resources) {',
        '            s3Util.removeByPath(resourceItem.getPath());',
        '            jdbcTemplate.update("DELETE FROM resources WHERE id = ?", resourceItem.getId());',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(await lines([f]), ['src/main/java/xyz/app/controller/ResourceController.java:12 info']);
  });
});
