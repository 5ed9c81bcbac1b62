/**
 * Kinds seen on the eighth session's held-out apps (issue 14, held-out-k: a Django app with websocket
 * consumers and formsets, a Java server reaching JDBC through its own storage layer, a Go engine on
 * pgx + sqlc), one small synthetic fixture per kind.
 */
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

/** A Go function that runs one query and closes its rows (the body of a store method). */
function goQueryFunc(signature: string, query: string): string[] {
  return [signature, `\trows, err := ${query}`, '\tif err != nil {', '\t\treturn nil, err', '\t}', '\tdefer rows.Close()', '\treturn nil, nil', '}', ''];
}

describe('core/nplusone kinds seen on held-out-k', () => {
  it('Django: a select_related/prefetch_related path (`a__b__c`) loads every relation it crosses; one it does not name is still lazy', async () => {
    const py = [
      'from league.models import Score',
      '',
      'def table(rnd):',
      '    scores = Score.objects.filter(rnd=rnd).select_related("entry__team__club").prefetch_related("marks_set__judge")',
      '    rows = []',
      '    for s in scores:',
      '        rows.append((s.entry.team.name, len(s.marks_set.all())))',
      '    for s in scores:',
      '        rows.append(s.referee.name)',
      '    return rows',
      '',
    ];
    await expectNPlusOne(py, 'league/views.py', [9]);
  });

  it('Django: a datetime field read with a datetime method (`n.sent.astimezone(tz)`) is a column, not a relation', async () => {
    const py = [
      'from league.models import Notice',
      '',
      'def listing(tz):',
      '    out = []',
      '    for n in Notice.objects.filter(public=True):',
      '        out.append(n.sent.astimezone(tz))',
      '        out.append(n.author.name)',
      '    return out',
      '',
    ];
    await expectNPlusOne(py, 'league/notices.py', [7]);
  });
  it('groups built from the items (Go `m[k] = append(m[k], x)`, Python `groupby(rows, key)`): one call per group is the batched form; a call per row of a group is not', async () => {
    const go = [
      'package store',
      '',
      'import "context"',
      '',
      'func (r *Repo) SaveEvents(ctx context.Context, events []Event) error {',
      '\tbyTenant := map[string][]Event{}',
      '\tfor _, e := range events {',
      '\t\tbyTenant[e.TenantID] = append(byTenant[e.TenantID], e)',
      '\t}',
      '\tfor tenant, evs := range byTenant {',
      '\t\tif _, err := r.pool.Exec(ctx, `INSERT INTO event_batch (tenant, n) VALUES ($1, $2)`, tenant, len(evs)); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\tfor _, e := range events {',
      '\t\t_, _ = r.pool.Exec(ctx, `UPDATE event SET seen = true WHERE id = $1`, e.ID)',
      '\t}',
      '\treturn nil',
      '}',
      '',
    ];
    await expectNPlusOne(go, 'pkg/store/events.go', [16]);
    const py = [
      'from itertools import groupby',
      'from league.models import Ballot',
      'from league.prefetch import load_results',
      '',
      'def resave(queryset):',
      '    q = queryset.order_by("event_id")',
      '    for event, ballots in groupby(q, lambda b: b.event):',
      '        load_results(ballots, event)',
      '        for b in ballots:',
      '            b.save()',
      '',
    ];
    await expectNPlusOne(py, 'league/admin.py', [10]);
  });

  it('schema changes and session settings in a loop (`SET lock_timeout`, `ALTER TABLE … DETACH PARTITION`) are one statement per object by nature; a row write per item is still reported', async () => {
    const go = [
      'package store',
      '',
      'import "context"',
      '',
      'func (r *Repo) Detach(ctx context.Context, partitions []string) error {',
      '\tfor _, p := range partitions {',
      '\t\tif _, err := r.conn.Exec(ctx, "SET lock_timeout = \'1min\'"); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t\tif _, err := r.conn.Exec(ctx, "ALTER TABLE task DETACH PARTITION "+p+" CONCURRENTLY"); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t\t_, _ = r.conn.Exec(ctx, "UPDATE partition_log SET detached = true WHERE name = $1", p)',
      '\t}',
      '\treturn nil',
      '}',
      '',
    ];
    await expectNPlusOne(go, 'pkg/store/partitions.go', [13]);
  });

  it('a loop over the keys of one message that tests its variable against literals (`if key == "teams": …`) dispatches once per key, not per item', async () => {
    const py = [
      'from league.models import Debate',
      '',
      'class DrawConsumer:',
      '    def receive_json(self, content):',
      '        for key in content.keys():',
      '            if key == "importance":',
      '                Debate.objects.filter(id=content["id"]).update(importance=content[key])',
      '            elif key == "venue":',
      '                Debate.objects.filter(id=content["id"]).update(venue_id=content[key])',
      '        for debate_id in content["ids"]:',
      '            Debate.objects.filter(id=debate_id).update(importance=0)',
      '',
    ];
    await expectNPlusOne(py, 'league/consumers.py', [11]);
  });

  it('Go: a constructor that starts a worker goroutine or keeps a closure (`go q.loop(ctx)`, `q.stop = func() { … }`) sends no query per call; a method of a standard-library value (`w.(http.Flusher).Flush()`) is not the app\'s method of that name', async () => {
    const queue = {
      path: 'pkg/sched/queue.go',
      text: [
        'package sched',
        '',
        'import "context"',
        '',
        'type Queue struct{ repo *Repo; stop func() }',
        '',
        'func newQueue(repo *Repo, name string) *Queue {',
        '\tq := &Queue{repo: repo}',
        '\tq.stop = func() {',
        '\t\t_ = repo.Release(context.Background(), name)',
        '\t}',
        '\tgo q.loop(context.Background(), name)',
        '\treturn q',
        '}',
        '',
        'func (q *Queue) loop(ctx context.Context, name string) {',
        '\tfor {',
        '\t\t_, _ = q.repo.pool.Query(ctx, `SELECT id FROM queue_item WHERE queue = $1 LIMIT 100`, name)',
        '\t}',
        '}',
        '',
        'func (r *Repo) Release(ctx context.Context, name string) error {',
        '\t_, err := r.pool.Exec(ctx, `DELETE FROM queue_lease WHERE queue = $1`, name)',
        '\treturn err',
        '}',
        '',
        'func (r *Repo) Flush(ctx context.Context, name string) error {',
        '\t_, err := r.pool.Exec(ctx, `DELETE FROM queue_buffer WHERE queue = $1`, name)',
        '\treturn err',
        '}',
        '',
        'func (r *Repo) Refresh(ctx context.Context, name string) error {',
        '\treturn r.Release(ctx, name)',
        '}',
        '',
      ],
    };
    const manager = {
      path: 'pkg/sched/manager.go',
      text: [
        'package sched',
        '',
        'import (',
        '\t"context"',
        '\t"fmt"',
        '\t"net/http"',
        ')',
        '',
        'func (m *Manager) SetQueues(ctx context.Context, names []string) {',
        '\tfor _, name := range names {',
        '\t\tm.queues = append(m.queues, newQueue(m.repo, name))',
        '\t}',
        '\tfor _, name := range names {',
        '\t\t_ = m.repo.Refresh(ctx, name)',
        '\t}',
        '}',
        '',
        'func stream(w http.ResponseWriter, lines <-chan string) {',
        '\tflusher, _ := w.(http.Flusher)',
        '\tfor line := range lines {',
        '\t\tfmt.Fprint(w, line)',
        '\t\tflusher.Flush()',
        '\t}',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([queue, manager], ['pkg/sched/manager.go:14']);
  });
  it('Django: the rows of one submitted formset (`formset.save(commit=False)`, `deleted_objects`, a name bound to them) are saved one by one by design; a queryset\'s rows are not', async () => {
    const py = [
      'from league.models import Motion, Debate',
      '',
      'class EditMotionsView:',
      '    def formset_valid(self, formset):',
      '        motions = formset.save(commit=False)',
      '        for i, motion in enumerate(motions, start=1):',
      '            motion.seq = i',
      '            motion.save()',
      '        for motion in formset.deleted_objects:',
      '            motion.delete()',
      '        for debate in Debate.objects.filter(rnd=self.rnd):',
      '            debate.save()',
      '',
    ];
    await expectNPlusOne(py, 'league/views.py', [12]);
  });
  it('Java: the app\'s own storage layer — a field inherited from the base class, typed by an abstract class whose JDBC implementation queries — is a database call in a loop; its in-memory twin does not decide', async () => {
    const storage = {
      path: 'src/main/java/org/fleet/storage/Storage.java',
      text: [
        'package org.fleet.storage;',
        '',
        'public abstract class Storage {',
        '    public abstract <T> java.util.stream.Stream<T> getObjectsStream(Class<T> clazz, Request request);',
        '    public abstract void removeObject(Class<?> clazz, Request request);',
        '    public <T> T getObject(Class<T> clazz, Request request) {',
        '        return getObjectsStream(clazz, request).findFirst().orElse(null);',
        '    }',
        '}',
        '',
      ],
    };
    const database = {
      path: 'src/main/java/org/fleet/storage/DatabaseStorage.java',
      text: [
        'package org.fleet.storage;',
        '',
        'public class DatabaseStorage extends Storage {',
        '    private final javax.sql.DataSource dataSource;',
        '    public <T> java.util.stream.Stream<T> getObjectsStream(Class<T> clazz, Request request) {',
        '        return QueryBuilder.create(dataSource, request.toSql(clazz)).executeQueryStreamed(clazz);',
        '    }',
        '    public void removeObject(Class<?> clazz, Request request) {',
        '        QueryBuilder.create(dataSource, request.toDelete(clazz)).executeUpdate();',
        '    }',
        '}',
        '',
      ],
    };
    const memory = {
      path: 'src/main/java/org/fleet/storage/MemoryStorage.java',
      text: [
        'package org.fleet.storage;',
        '',
        'public class MemoryStorage extends Storage {',
        '    private final java.util.Map<Long, Object> objects = new java.util.HashMap<>();',
        '    public <T> java.util.stream.Stream<T> getObjectsStream(Class<T> clazz, Request request) {',
        '        return objects.values().stream().map(clazz::cast);',
        '    }',
        '    public void removeObject(Class<?> clazz, Request request) {',
        '        objects.clear();',
        '    }',
        '}',
        '',
      ],
    };
    const builder = {
      path: 'src/main/java/org/fleet/storage/QueryBuilder.java',
      text: [
        'package org.fleet.storage;',
        '',
        'import java.sql.Connection;',
        'import java.sql.PreparedStatement;',
        '',
        'public final class QueryBuilder {',
        '    private final PreparedStatement statement;',
        '    private QueryBuilder(Connection connection, String sql) throws java.sql.SQLException {',
        '        statement = connection.prepareStatement(sql);',
        '    }',
        '    public static QueryBuilder create(javax.sql.DataSource ds, String sql) throws java.sql.SQLException {',
        '        return new QueryBuilder(ds.getConnection(), sql);',
        '    }',
        '    public <T> java.util.stream.Stream<T> executeQueryStreamed(Class<T> clazz) throws java.sql.SQLException {',
        '        java.sql.ResultSet rs = statement.executeQuery();',
        '        return java.util.stream.Stream.empty();',
        '    }',
        '    public long executeUpdate() throws java.sql.SQLException {',
        '        return statement.executeUpdate();',
        '    }',
        '}',
        '',
      ],
    };
    const base = {
      path: 'src/main/java/org/fleet/api/BaseResource.java',
      text: ['package org.fleet.api;', '', 'public class BaseResource {', '    @Inject', '    protected Storage storage;', '}', ''],
    };
    const resource = {
      path: 'src/main/java/org/fleet/api/PositionResource.java',
      text: [
        'package org.fleet.api;',
        '',
        'public class PositionResource extends BaseResource {',
        '    public java.util.List<Position> get(java.util.List<Long> ids) {',
        '        var out = new java.util.ArrayList<Position>();',
        '        for (long id : ids) {',
        '            out.add(storage.getObject(Position.class, new Request(new Condition.Equals("id", id))));',
        '        }',
        '        for (long id : ids) {',
        '            storage.removeObject(Position.class, new Request(new Condition.Equals("id", id)));',
        '        }',
        '        return out;',
        '    }',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([storage, database, memory, builder, base, resource], ['src/main/java/org/fleet/api/PositionResource.java:10', 'src/main/java/org/fleet/api/PositionResource.java:7']);
  });
  it('a function whose query sits in a loader handed to a cache (`cache.MakeCacheable(c, key, func() {…})`, `cache.get_or_set(key, lambda: …)`) queries on a miss only; called per item it is not an N+1', async () => {
    const gate = {
      path: 'pkg/metrics/gate.go',
      text: [
        'package metrics',
        '',
        'import (',
        '\t"context"',
        '\t"github.com/acme/engine/pkg/cache"',
        ')',
        '',
        'func (g *Gate) Enabled(ctx context.Context, tenant string) bool {',
        '\tv, _ := cache.MakeCacheable(g.cache, tenant, func() (*bool, error) {',
        '\t\tvar on bool',
        '\t\terr := g.pool.QueryRow(ctx, `SELECT metrics_on FROM tenant WHERE id = $1`, tenant).Scan(&on)',
        '\t\treturn &on, err',
        '\t})',
        '\treturn v != nil && *v',
        '}',
        '',
        'func (g *Gate) Count(ctx context.Context, tenant string) int {',
        '\tvar n int',
        '\t_ = g.pool.QueryRow(ctx, `SELECT count(*) FROM worker WHERE tenant_id = $1`, tenant).Scan(&n)',
        '\treturn n',
        '}',
        '',
      ],
    };
    const poll = {
      path: 'pkg/metrics/poll.go',
      text: [
        'package metrics',
        '',
        'import "context"',
        '',
        'func (p *Poller) Poll(ctx context.Context, tenants []string) {',
        '\tfor _, t := range tenants {',
        '\t\tif p.gate.Enabled(ctx, t) {',
        '\t\t\tp.gate.Count(ctx, t)',
        '\t\t}',
        '\t}',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([gate, poll], ['pkg/metrics/poll.go:8']);
  });
  it('Django: a reverse manager by its default name (`debate.judge_set.create(…)`) is Django in a helper that imports no model; an instance looked up from the item (`bt = self._bt(team)`) and saved is one write per item', async () => {
    const helper = [
      'from itertools import zip_longest',
      '',
      'def copy_panels(debates, panels):',
      '    for debate, panel in zip_longest(debates, panels):',
      '        for seat in panel.seats:',
      '            debate.judge_set.create(judge=seat.judge)',
      '',
    ];
    await expectNPlusOne(helper, 'league/allocation/__init__.py', [6]);
    const form = [
      'from league.models import Entry',
      '',
      'class RemarksForm:',
      '    def save(self):',
      '        for team in self.category.entries.all():',
      '            entry = self._entry(team)',
      '            entry.remark = self.cleaned_data[team.id]',
      '            entry.save()',
      '        category = self.category',
      '        for team in self.category.entries.all():',
      '            category.save()',
      '',
    ];
    await expectNPlusOne(form, 'league/forms.py', [8]);
  });
  it('Go: a name typed by the standard library in one function (`migrate(db *sql.DB)`) is not the same name in another (`func (db *Store) List`)', async () => {
    const go = [
      'package store',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      ')',
      '',
      'func migrate(db *sql.DB) error {',
      '\t_, err := db.Exec(`CREATE TABLE IF NOT EXISTS tag (id int)`)',
      '\treturn err',
      '}',
      '',
      'func (db *Store) List(ctx context.Context, ids []int) {',
      '\tfor _, id := range ids {',
      '\t\t_, _ = db.tagsFor(ctx, id)',
      '\t}',
      '}',
      '',
      ...goQueryFunc('func (db *Store) tagsFor(ctx context.Context, id int) ([]string, error) {', 'db.reader.QueryContext(ctx, `SELECT name FROM tag WHERE bookmark_id = $1`, id)'),
    ];
    await expectNPlusOne(go, 'internal/database/mysql.go', [15]);
  });
  it('the per-item fallback of a batched call that failed (`outs, err := repo.Outputs(ctx, all); if err != nil { for … { repo.Outputs(ctx, one) } }`) runs only when the batch fails; the same loop outside the error branch is reported', async () => {
    const go = [
      'package dispatch',
      '',
      'import "context"',
      '',
      'func (d *Dispatcher) parents(ctx context.Context, all []string, entries []Entry) {',
      '\touts, err := d.repo.Tasks().ParentOutputs(ctx, all)',
      '\tif err != nil {',
      '\t\tfor _, e := range entries {',
      '\t\t\tone, _ := d.repo.Tasks().ParentOutputs(ctx, e.IDs)',
      '\t\t\touts = append(outs, one...)',
      '\t\t}',
      '\t}',
      '\tfor _, e := range entries {',
      '\t\t_, _ = d.repo.Tasks().ParentOutputs(ctx, e.IDs)',
      '\t}',
      '\t_ = outs',
      '}',
      '',
    ];
    const repo = {
      path: 'pkg/repository/task.go',
      text: [
        'package repository',
        '',
        'import "context"',
        '',
        ...goQueryFunc('func (r *TaskRepo) ParentOutputs(ctx context.Context, ids []string) ([]Output, error) {', 'r.pool.Query(ctx, `SELECT id, output FROM task_output WHERE run_id = $1`, ids)'),
      ],
    };
    await expectNPlusOneInScan([repo, { path: 'internal/dispatch/dispatcher.go', text: go }], ['internal/dispatch/dispatcher.go:14']);
  });
});
