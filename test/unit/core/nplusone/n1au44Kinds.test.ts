/**
 * Kinds of false alarm the blind splits showed in Go, TypeScript and JavaScript apps (n1au, session 44): a look-up that
 * returns from a shared cache on a hit before it queries (held-out-aq Answer's config repository), and a Node entry
 * point's module-level `(async () => { … })()` that calls start-up code (held-out-ae Uptime Kuma's database patching).
 * Each test failed before its fix (branch n1au at f8f9ffa7).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1au44 (Go, TypeScript and JavaScript)', () => {
  const goMod: ScanFile = { path: 'go.mod', text: ['module example.com/forum', '', 'go 1.22', '', 'require xorm.io/xorm v1.3.9', ''] };
  const repo: ScanFile = {
    path: 'internal/config/repo.go',
    text: [
      'package config',
      '',
      'import (',
      '\t"context"',
      '\t"encoding/json"',
      '',
      '\t"xorm.io/xorm"',
      ')',
      '',
      'type Cache interface {',
      '\tGetString(ctx context.Context, key string) (string, bool, error)',
      '\tSetString(ctx context.Context, key, value string) error',
      '}',
      '',
      'type Setting struct {',
      '\tID    int',
      '\tKey   string',
      '\tValue string',
      '}',
      '',
      'type Repo struct {',
      '\tdb    *xorm.Engine',
      '\tcache Cache',
      '}',
      '',
      '// ByKey answers from the shared cache; the database is read on a miss (or an entry that does not decode).',
      'func (r *Repo) ByKey(ctx context.Context, key string) (*Setting, error) {',
      '\tcached, found, err := r.cache.GetString(ctx, "setting:"+key)',
      '\tif err == nil && found && len(cached) > 0 {',
      '\t\ts := &Setting{}',
      '\t\t_ = json.Unmarshal([]byte(cached), s)',
      '\t\tif s.ID > 0 {',
      '\t\t\treturn s, nil',
      '\t\t}',
      '\t}',
      '\ts := &Setting{Key: key}',
      '\tif _, err := r.db.Context(ctx).Get(s); err != nil {',
      '\t\treturn nil, err',
      '\t}',
      '\tb, _ := json.Marshal(s)',
      '\t_ = r.cache.SetString(ctx, "setting:"+key, string(b))',
      '\treturn s, nil',
      '}',
      '',
      '// ByKeyFresh reads the database every time.',
      'func (r *Repo) ByKeyFresh(ctx context.Context, key string) (*Setting, error) {',
      '\ts := &Setting{Key: key}',
      '\t_, err := r.db.Context(ctx).Get(s)',
      '\treturn s, err',
      '}',
      '',
      '// ByKeyLogged reads the cache but uses it only to log: the database is read on a hit too.',
      'func (r *Repo) ByKeyLogged(ctx context.Context, key string) (*Setting, error) {',
      '\tcached, found, err := r.cache.GetString(ctx, "setting:"+key)',
      '\tif err == nil && found && len(cached) > 0 {',
      '\t\tprintln("cached", cached)',
      '\t}',
      '\ts := &Setting{Key: key}',
      '\t_, err = r.db.Context(ctx).Get(s)',
      '\treturn s, err',
      '}',
      '',
    ],
  };
  const service: ScanFile = {
    path: 'internal/service/limits.go',
    text: [
      'package service',
      '',
      'import (',
      '\t"context"',
      '',
      '\t"example.com/forum/internal/config"',
      ')',
      '',
      'type Limits struct {',
      '\trepo *config.Repo',
      '}',
      '',
      'func (l *Limits) IDs(ctx context.Context, keys []string) []int {',
      '\tids := make([]int, 0, len(keys))',
      '\tfor _, k := range keys {',
      '\t\tif s, err := l.repo.ByKey(ctx, k); err == nil {',
      '\t\t\tids = append(ids, s.ID)',
      '\t\t}',
      '\t}',
      '\tfor _, k := range keys {',
      '\t\tif s, err := l.repo.ByKeyFresh(ctx, k); err == nil {',
      '\t\t\tids = append(ids, s.ID)',
      '\t\t}',
      '\t}',
      '\tfor _, k := range keys {',
      '\t\tif s, err := l.repo.ByKeyLogged(ctx, k); err == nil {',
      '\t\t\tids = append(ids, s.ID)',
      '\t\t}',
      '\t}',
      '\treturn ids',
      '}',
      '',
    ],
  };
  const main: ScanFile = { path: 'cmd/forum/main.go', text: ['package main', '', 'import "example.com/forum/internal/service"', '', 'func main() { service.Serve() }', ''] };

  it('Go: a look-up that returns from a shared cache on a hit (`cached, found, err := r.cache.GetString(…)`; `if err == nil && found && len(cached) > 0 { …; if s.ID > 0 { return s, nil } }`) queries on a miss only; a fresh read, or a cache read that does not return, stays a query per item', async () => {
    assert.deepEqual(await scanLines([goMod, repo, service, main]), ['internal/service/limits.go:21 warning', 'internal/service/limits.go:26 warning']);
  });

  it('Go: the key of `for userID, kind := range subscribers` is the item as much as the value: a read by the key is per item; one by neither stays once per loop', async () => {
    const users: ScanFile = {
      path: 'internal/repo/user.go',
      text: [
        'package repo',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"xorm.io/xorm"',
        ')',
        '',
        'type User struct {',
        '\tID   string',
        '\tLang string',
        '}',
        '',
        'type UserRepo struct {',
        '\tdb *xorm.Engine',
        '}',
        '',
        'func (r *UserRepo) ByID(ctx context.Context, id string) (*User, error) {',
        '\tu := &User{}',
        '\t_, err := r.db.Context(ctx).Where("id = ?", id).Get(u)',
        '\treturn u, err',
        '}',
        '',
      ],
    };
    const notify: ScanFile = {
      path: 'internal/service/notify.go',
      text: [
        'package service',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/forum/internal/repo"',
        ')',
        '',
        'type Notifier struct {',
        '\tusers *repo.UserRepo',
        '}',
        '',
        'func (n *Notifier) Langs(ctx context.Context, subscribers map[string]int, owner string) map[string]string {',
        '\tout := map[string]string{}',
        '\tfor userID, kind := range subscribers {',
        '\t\tif u, err := n.users.ByID(ctx, userID); err == nil {',
        '\t\t\tout[u.ID] = u.Lang',
        '\t\t}',
        '\t\t_ = kind',
        '\t}',
        '\tfor _, kind := range subscribers {',
        '\t\tif u, err := n.users.ByID(ctx, owner); err == nil && kind > 0 {',
        '\t\t\tout[u.ID] = u.Lang',
        '\t\t}',
        '\t}',
        '\treturn out',
        '}',
        '',
      ],
    };
    const lines = await scanLines([goMod, users, notify, main]);
    assert.ok(lines.includes('internal/service/notify.go:16 warning'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('internal/service/notify.go:22 ')), lines.join('\n'));
  });

  describe('JavaScript: a module-level `(async () => { … })()` runs at start-up', () => {
    const database: ScanFile = {
      path: 'server/database.js',
      text: [
        'const knex = require("knex")({ client: "pg" });',
        '',
        'async function applyPatches(files) {',
        '    for (const name of files) {',
        '        await knex("applied_patch").insert({ name });',
        '    }',
        '}',
        '',
        'async function saveSettings(items) {',
        '    for (const item of items) {',
        '        await knex("setting").where({ key: item.key }).update({ value: item.value });',
        '    }',
        '}',
        '',
        'module.exports = { applyPatches, saveSettings };',
        '',
      ],
    };
    const server: ScanFile = {
      path: 'server/server.js',
      text: [
        'const { applyPatches, saveSettings } = require("./database");',
        '',
        '(async () => {',
        '    await initDatabase();',
        '    io.on("connection", (socket) => {',
        '        socket.on("saveSettings", async (items) => {',
        '            await saveSettings(items);',
        '        });',
        '    });',
        '})();',
        '',
        'async function initDatabase() {',
        '    await applyPatches(await listPatchFiles());',
        '}',
        '',
      ],
    };

    it('what only it calls is start-up code (script), while a handler it registers stays request code', async () => {
      assert.deepEqual(await scanLines([database, server]), ['server/database.js:11 warning', 'server/database.js:5 info']);
    });

    it('a function a handler calls too stays request code', async () => {
      const router: ScanFile = { path: 'server/routes.js', text: ['const { applyPatches } = require("./database");', '', 'router.post("/patches", async (req, res) => {', '    await applyPatches(req.body.files);', '});', ''] };
      assert.deepEqual(await scanLines([database, server, router]), ['server/database.js:11 warning', 'server/database.js:5 warning']);
    });
  });
});
