/**
 * Kinds from person16's hour on a Go service (ente-io/ente server/, issue 20, MEDIUM 5): a goroutine worker started per
 * index of a counter loop (a pool, not a query per item), a worker reading a channel inside such a pool, and cron work a
 * scheduler runs (job context, not request). One small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

/** `file:line context severity` of each finding of a scan. */
const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

const go = (path: string, lines: string[]): ScanFile => ({ path, text: lines.join('\n') + '\n' });

describe('person16 kinds (Go)', () => {
  describe('a pool of goroutine workers', () => {
    const replicate = (loop: string, start: string) => go('pkg/controller/replication.go', [
      'package controller',
      '',
      'import "database/sql"',
      '',
      'type Controller struct{ DB *sql.DB }',
      '',
      'func (c *Controller) StartWorkers(n int, items []int64) {',
      `\t${loop} {`,
      `\t\t${start}`,
      '\t}',
      '}',
      '',
      'func (c *Controller) replicate(i int) {',
      '\tfor {',
      '\t\tc.DB.Exec("UPDATE object_copies SET picked = now() WHERE id = (SELECT id FROM object_copies LIMIT 1)")',
      '\t}',
      '}',
      '',
    ]);

    it('`go c.replicate(i)` per index of a counter loop starts workers, not a query per item', async () => {
      assert.deepEqual(await scanLines([replicate('for i := 0; i < n; i++', 'go c.replicate(i)')]), []);
    });

    it('`for range n { go c.replicate(0) }` starts workers too', async () => {
      assert.deepEqual(await scanLines([replicate('for range n', 'go c.replicate(0)')]), []);
    });

    it('a goroutine per item of a collection still runs one query per item', async () => {
      assert.deepEqual(await scanLines([replicate('for _, id := range items', 'go c.replicate(int(id))')]), ['pkg/controller/replication.go:9 request warning']);
    });

    it('a goroutine handed the item by index (`items[i]`) is per item', async () => {
      assert.deepEqual(await scanLines([replicate('for i := 0; i < n; i++', 'go c.replicate(int(items[i]))')]), ['pkg/controller/replication.go:9 request warning']);
    });

    it('without `go`, the same counter loop calls the query once per index', async () => {
      assert.deepEqual(await scanLines([replicate('for i := 0; i < n; i++', 'c.replicate(i)')]), ['pkg/controller/replication.go:9 request warning']);
    });

    it('a worker of a `wg.Go` pool reading a channel: per message, not "once per iteration of workerCount"', async () => {
      const file = go('pkg/controller/user/orchestrator.go', [
        'package user',
        '',
        'import (',
        '\t"database/sql"',
        '\t"sync"',
        ')',
        '',
        'type O struct{ DB *sql.DB }',
        '',
        'func (c *O) process(id int64) {',
        '\tc.DB.Exec("UPDATE users SET notified = true WHERE id = $1", id)',
        '}',
        '',
        'func (c *O) Batch(ids []int64) {',
        '\tworkerCount := min(len(ids), 4)',
        '\tidCh := make(chan int64, len(ids))',
        '\tvar wg sync.WaitGroup',
        '\tfor range workerCount {',
        '\t\twg.Go(func() {',
        '\t\t\tfor id := range idCh {',
        '\t\t\t\tc.process(id)',
        '\t\t\t}',
        '\t\t})',
        '\t}',
        '}',
        '',
      ]);
      assert.deepEqual(await scanLines([file]), []);
    });
  });

  describe('cron work a scheduler runs', () => {
    const trash = go('pkg/controller/trash.go', [
      'package controller',
      '',
      'import "example.com/museum/pkg/repo"',
      '',
      'type TrashController struct{ Repo *repo.TrashRepository }',
      '',
      'func (t *TrashController) EmptyQueue() {',
      '\titems, _ := t.Repo.ReadyItems(200)',
      '\tfor _, item := range items {',
      '\t\tt.Repo.DeleteItem(item)',
      '\t}',
      '}',
      '',
    ]);
    const repoFile = go('pkg/repo/trash.go', [
      'package repo',
      '',
      'import "database/sql"',
      '',
      'type TrashRepository struct{ DB *sql.DB }',
      '',
      'func (r *TrashRepository) ReadyItems(n int) ([]int64, error) {',
      '\tr.DB.Query("SELECT id FROM queue LIMIT $1", n)',
      '\treturn nil, nil',
      '}',
      '',
      'func (r *TrashRepository) DeleteItem(id int64) {',
      '\tr.DB.Exec("DELETE FROM trash WHERE id = $1", id)',
      '}',
      '',
    ]);
    const main = (helper: string) => go('cmd/museum/main.go', [
      'package main',
      '',
      'import "github.com/robfig/cron/v3"',
      '',
      'func setupCrons(trashController *controller.TrashController) {',
      '\tc := cron.New()',
      `\t${helper}(c, "@every 1m", func() {`,
      '\t\ttrashController.EmptyQueue()',
      '\t})',
      '\tc.Start()',
      '}',
      '',
    ]);

    for (const helper of ['schedule', 'scheduleAndRun']) {
      it(`a loop in a function only a scheduler callback calls (\`${helper}(c, "@every 1m", func() { … })\`) is job code`, async () => {
        assert.deepEqual(await scanLines([trash, repoFile, main(helper)]), ['pkg/controller/trash.go:10 job warning']);
      });
    }

    it('the same function also called from a request handler stays request code', async () => {
      const api = go('pkg/api/trash.go', [
        'package api',
        '',
        'func (h *TrashHandler) Empty(c *gin.Context) {',
        '\tdefer h.Controller.EmptyQueue()',
        '}',
        '',
      ]);
      assert.deepEqual(await scanLines([trash, repoFile, main('schedule'), api]), ['pkg/controller/trash.go:10 request warning']);
    });

    it('without a scheduler, the loop stays request code', async () => {
      assert.deepEqual(await scanLines([trash, repoFile]), ['pkg/controller/trash.go:10 request warning']);
    });
  });
});
