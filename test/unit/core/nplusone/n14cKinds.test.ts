/**
 * Kinds of the fourteenth session (issue 14, n14c): right findings the thirteenth session's rules lost, fixed by kind.
 * One small synthetic fixture per kind, both ways.
 */
import { expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('N+1 kinds of the fourteenth session (n14c): a call on a name imported from a project file is the project\'s', () => {
  const notification = {
    path: 'shelf/models/notification.py',
    text: [
      'from django.db import models',
      '',
      'class Notification(models.Model):',
      '    @classmethod',
      '    def notify(cls, user, related_user, **kwargs):',
      '        notification = cls.objects.filter(user=user, **kwargs).first()',
      '        if not notification:',
      '            notification = cls.objects.create(user=user, **kwargs)',
      '        notification.related_users.add(related_user)',
      '',
    ],
  };
  /** A model notifying each follower, `Notification` imported from `mod`. */
  const moveImporting = (mod: string) => ({
    path: 'shelf/models/move.py',
    text: [
      'from django.db import models',
      `from ${mod} import Notification`,
      '',
      'class Move(models.Model):',
      '    def save(self, *args, **kwargs):',
      '        super().save(*args, **kwargs)',
      '        for follower in self.user.followers.all():',
      '            Notification.notify(follower, self.user, notification_type="MOVE")',
      '',
    ],
  });
  it('Python: `Notification.notify(…)` on a class imported from a project module (`from .notification import Notification`) is that class\'s method', async () => {
    const move = moveImporting('.notification');
    await expectNPlusOneInScan([notification, move], ['shelf/models/move.py:8']);
  });
  it('Python: the same call on a class imported from a library module (`from pushlib.client import Notification`) is the library\'s, though the project defines `notify`', async () => {
    const move = moveImporting('pushlib.client');
    await expectNPlusOneInScan([notification, move], []);
  });
});

describe('N+1 kinds of the fourteenth session (n14c): Go, what reaches the database is judged by the code', () => {
  const store = {
    path: 'internal/store/store.go',
    text: [
      'package store',
      '',
      'import "database/sql"',
      '',
      'type Client struct { db *sql.DB }',
      '',
      'func Open(dsn string) *Client {',
      '\tdb, _ := sql.Open("postgres", dsn)',
      '\tdb.Exec("create table if not exists settings (k text, v text)")',
      '\treturn &Client{db: db}',
      '}',
      '',
      'func (c *Client) Name(id int64) string {',
      '\tvar name string',
      '\tc.db.QueryRow("select name from users where id = $1", id).Scan(&name)',
      '\treturn name',
      '}',
      '',
    ],
  };
  /** A dependency container: each getter builds its value once and keeps it. */
  const deps = {
    path: 'internal/deps/deps.go',
    text: [
      'package deps',
      '',
      'import "example.com/app/internal/store"',
      '',
      'type Deps struct { client *store.Client }',
      '',
      'func (d *Deps) Client() *store.Client {',
      '\tif d.client != nil {',
      '\t\treturn d.client',
      '\t}',
      '\td.client = store.Open("")',
      '\treturn d.client',
      '}',
      '',
    ],
  };
  it('Go: a function reaching the database only through a getter that keeps what it built (`if d.client != nil { return d.client }`) does not query per call; one calling a querying method does', async () => {
    const api = {
      path: 'internal/api/render.go',
      text: [
        'package api',
        '',
        'import (',
        '\t"fmt"',
        '',
        '\t"example.com/app/internal/deps"',
        '\t"example.com/app/internal/store"',
        ')',
        '',
        'func label(d *deps.Deps, id int64) string {',
        '\tc := d.Client()',
        '\treturn fmt.Sprint(c != nil, id)',
        '}',
        '',
        'func name(c *store.Client, id int64) string {',
        '\treturn c.Name(id)',
        '}',
        '',
        'func Render(d *deps.Deps, c *store.Client, ids []int64) {',
        '\tfor _, id := range ids {',
        '\t\tlabel(d, id)',
        '\t\tname(c, id)',
        '\t}',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([store, deps, api], ['internal/api/render.go:22']);
  });
  it('Go: a value handed to a package\'s function (`cache.New(id)`) is a key of a query only when that package\'s function queries with it, not another package\'s `New` of the same name', async () => {
    const cache = { path: 'internal/cache/cache.go', text: ['package cache', '', 'type Entry struct { key int64 }', '', 'func New(key int64) *Entry {', '\treturn &Entry{key: key}', '}', ''] };
    const audit = {
      path: 'internal/audit/audit.go',
      text: ['package audit', '', 'import "database/sql"', '', 'func New(db *sql.DB, id int64) {', '\tdb.Exec("insert into audit (id) values ($1)", id)', '}', ''],
    };
    const api = {
      path: 'internal/api/describe.go',
      text: [
        'package api',
        '',
        'import (',
        '\t"database/sql"',
        '\t"fmt"',
        '',
        '\t"example.com/app/internal/audit"',
        '\t"example.com/app/internal/cache"',
        '\t"example.com/app/internal/store"',
        ')',
        '',
        'func describe(c *store.Client, tenant int64, id int64) string {',
        '\te := cache.New(id)',
        '\treturn c.Name(tenant) + fmt.Sprint(e)',
        '}',
        '',
        'func record(db *sql.DB, id int64) {',
        '\taudit.New(db, id)',
        '}',
        '',
        'func Describe(c *store.Client, db *sql.DB, tenant int64, ids []int64) {',
        '\tfor _, id := range ids {',
        '\t\tdescribe(c, tenant, id)',
        '\t\trecord(db, id)',
        '\t}',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([store, cache, audit, api], ['internal/api/describe.go:24']);
  });
});
