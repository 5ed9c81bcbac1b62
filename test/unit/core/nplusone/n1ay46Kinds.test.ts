/**
 * Kinds of false alarm the blind splits showed in JavaScript, TypeScript and Java apps (n1ay, session 46: held-out-au and
 * the eight blind splits before it). Each test failed before its fix (branch n1ay at d5e37f38, main 494b4921 plus the
 * split's labels); the controls keep what must stay reported.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1ay46 (JavaScript, TypeScript and Java)', () => {
  // held-out-au Gladys: bluebird's `Promise.each(items, cb)` / `Promise.map(items, cb, { concurrency })` (the file binds
  // `const Promise = require('bluebird')`) walks its first argument, but the loop was read as walking `Promise` itself,
  // so what the code shows about the items (chunks of 10,000 states, a literal list) was never seen.
  const bluebird = (loop: string[]): ScanFile => ({
    path: 'server/lib/device/device.saveStates.js',
    text: [
      "const Promise = require('bluebird');",
      "const { chunk } = require('lodash');",
      "const { Pool } = require('pg');",
      '',
      'const pool = new Pool();',
      '',
      'async function saveStates(featureId, states) {',
      ...loop,
      '}',
      '',
      'module.exports = { saveStates };',
      '',
    ],
  });

  it('JS: bluebird Promise.each over chunks of the input is one statement per chunk, not per item', async () => {
    assert.deepEqual(await scanLines([bluebird([
      '  const chunks = chunk(states, 10000);',
      '  await Promise.each(chunks, async (part) => {',
      "    const values = part.map((s, i) => `($1, $${i + 2})`).join(', ');",
      '    await pool.query(`INSERT INTO t_device_feature_state (device_feature_id, value) VALUES ${values}`, [featureId, ...part.map((s) => s.value)]);',
      '  });',
    ])]), []);
  });

  it('JS: bluebird Promise.map over a literal list of three tables is a handful (info, not a warning)', async () => {
    const lines = await scanLines([bluebird([
      "  await Promise.map(['t_device_feature_state', 't_device_feature_state_aggregate', 't_energy_price'], async (table) => {",
      '    await pool.query(`DELETE FROM ${table} WHERE device_feature_id = $1`, [featureId]);',
      '  });',
    ])]);
    assert.ok(lines.every((l) => !l.endsWith('warning')), lines.join(', '));
  });

  it('control: bluebird Promise.each over the states themselves is still a statement per item', async () => {
    assert.deepEqual(await scanLines([bluebird([
      '  await Promise.each(states, async (s) => {',
      '    await pool.query(`INSERT INTO t_device_feature_state (device_feature_id, value) VALUES ($1, $2)`, [featureId, s.value]);',
      '  });',
    ])]), ['server/lib/device/device.saveStates.js:9 warning']);
  });

  // held-out-au HertzBeat: a Spring Data derived query that takes a list (`findSingleAlertsByFingerprintIn(fingerprints)`)
  // was taken for the batched form whatever list it was given; called per group alert of a page with that alert's own
  // fingerprints, it is one query per row (two blind misses). A list of chunks keeps its one call per chunk.
  const alertDao: ScanFile = {
    path: 'src/main/java/app/dao/SingleAlertDao.java',
    text: [
      'package app.dao;',
      '',
      'import app.entity.SingleAlert;',
      'import java.util.List;',
      'import org.springframework.data.jpa.repository.JpaRepository;',
      '',
      'public interface SingleAlertDao extends JpaRepository<SingleAlert, Long> {',
      '  List<SingleAlert> findSingleAlertsByFingerprintIn(List<String> fingerprints);',
      '',
      '  void deleteSingleAlertsByFingerprintIn(List<String> fingerprints);',
      '}',
      '',
    ],
  };
  const groupDao: ScanFile = {
    path: 'src/main/java/app/dao/GroupAlertDao.java',
    text: ['package app.dao;', '', 'import app.entity.GroupAlert;', 'import org.springframework.data.jpa.repository.JpaRepository;', '', 'public interface GroupAlertDao extends JpaRepository<GroupAlert, Long> {}', ''],
  };
  const alertService = (body: string[]): ScanFile => ({
    path: 'src/main/java/app/service/AlertService.java',
    text: [
      'package app.service;',
      '',
      'import app.dao.GroupAlertDao;',
      'import app.dao.SingleAlertDao;',
      'import app.entity.GroupAlert;',
      'import app.entity.SingleAlert;',
      'import com.google.common.collect.Lists;',
      'import java.util.List;',
      'import org.springframework.data.domain.Page;',
      'import org.springframework.data.domain.PageRequest;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class AlertService {',
      '  private final SingleAlertDao singleAlertDao;',
      '  private final GroupAlertDao groupAlertDao;',
      '',
      '  public AlertService(SingleAlertDao singleAlertDao, GroupAlertDao groupAlertDao) {',
      '    this.singleAlertDao = singleAlertDao;',
      '    this.groupAlertDao = groupAlertDao;',
      '  }',
      '',
      ...body,
      '}',
      '',
    ],
  });

  it('Java: a derived …In(list) query given each row\'s own list is one query per row of the page', async () => {
    assert.deepEqual(await scanLines([alertDao, groupDao, alertService([
      '  public Page<GroupAlert> list(int pageIndex, int pageSize) {',
      '    Page<GroupAlert> page = groupAlertDao.findAll(PageRequest.of(pageIndex, pageSize));',
      '    for (GroupAlert groupAlert : page.getContent()) {',
      '      List<String> firing = groupAlert.getAlertFingerprints();',
      '      List<SingleAlert> alerts = singleAlertDao.findSingleAlertsByFingerprintIn(firing);',
      '      groupAlert.setAlerts(alerts);',
      '    }',
      '    return page;',
      '  }',
    ])]), ['src/main/java/app/service/AlertService.java:27 warning']);
  });

  it('control: the same …In(list) query per chunk of the fingerprints stays one query per chunk', async () => {
    assert.deepEqual(await scanLines([alertDao, groupDao, alertService([
      '  public void purge(List<String> fingerprints) {',
      '    for (List<String> part : Lists.partition(fingerprints, 500)) {',
      '      singleAlertDao.deleteSingleAlertsByFingerprintIn(part);',
      '    }',
      '  }',
    ])]), []);
  });

  // The "handfuls" kind (shared analyzer): a loop over a field of the object the file writes once as a short literal —
  // a configured set the code itself lists (held-out-ap Jellystat: `this.defaultIntervals = { PartialJellyfinSync: {…},
  // JellyfinSync: {…}, … }` in the task scheduler's constructor, walked by `for (const key in this.defaultIntervals)` on
  // every tick). A field the code fills or reassigns holds as many items as the data, and stays reported.
  const scheduler = (ctor: string[], more: string[] = []): ScanFile => ({
    path: 'backend/classes/task-scheduler.js',
    text: [
      "const db = require('../db');",
      '',
      'class TaskScheduler {',
      '  constructor() {',
      ...ctor,
      '  }',
      '',
      '  async tick() {',
      '    for (const key in this.defaultIntervals) {',
      "      const { rows } = await db.query('SELECT last_run FROM task_runs WHERE task = $1', [key]);",
      '      this.maybeRun(key, rows[0]);',
      '    }',
      '  }',
      ...more,
      '}',
      '',
      'module.exports = TaskScheduler;',
      '',
    ],
  });
  const intervals = ['    this.defaultIntervals = {', '      PartialSync: { Interval: 60 },', '      FullSync: { Interval: 1440 },', '      Backup: { Interval: 1440 },', '    };'];

  it('JS: a loop over a field written once as a three-entry literal is a fixed set, not N+1', async () => {
    assert.deepEqual(await scanLines([scheduler(intervals)]), []);
  });

  it('Python: a loop over self.kinds written once in __init__ as a literal list is a fixed set', async () => {
    const py: ScanFile = {
      path: 'app/jobs/refresh.py',
      text: [
        'from app.db import session',
        'from app.models import Stat',
        '',
        '',
        'class Refresher:',
        '    def __init__(self):',
        '        self.kinds = ["daily", "weekly", "monthly"]',
        '',
        '    def run(self):',
        '        for kind in self.kinds:',
        '            session.query(Stat).filter(Stat.kind == kind).delete()',
        '',
      ],
    };
    assert.deepEqual(await scanLines([py]), []);
  });

  it('control: the same field filled from the database, or added to, holds as many items as the data', async () => {
    const refilled = await scanLines([scheduler(intervals, ['', '  async load() {', "    this.defaultIntervals = (await db.query('SELECT task, interval FROM tasks')).rows;", '  }'])]);
    const added = await scanLines([scheduler(intervals, ['', '  register(name, interval) {', '    this.defaultIntervals[name] = { Interval: interval };', '  }'])]);
    assert.deepEqual([refilled, added], [['backend/classes/task-scheduler.js:14 warning'], ['backend/classes/task-scheduler.js:14 warning']]);
  });

  // held-out-au Gladys: `const iterator = [...Array(Math.ceil(count / BATCH))]` then `Promise.each(iterator, …)` deletes
  // a batch of rows per pass and writes the job's progress once per pass — a counter loop up to a number of batches
  // written as an array made to count. A count of the rows themselves stays a statement per row.
  const purge = (count: string): ScanFile => bluebird([
    "  const { rows } = await pool.query('SELECT count(*) AS n FROM t_device_feature_state WHERE device_feature_id = $1', [featureId]);",
    `  const passes = ${count};`,
    '  const iterator = [...Array(passes)];',
    '  await Promise.each(iterator, async () => {',
    "    await pool.query('UPDATE t_job SET progress = progress + 1 WHERE id = $1', [featureId]);",
    '  });',
  ]);

  it('JS: a loop over [...Array(n)] with n a ceiling division by the batch size runs once per batch', async () => {
    assert.deepEqual(await scanLines([purge('Math.ceil(Number(rows[0].n) / 1000)')]), []);
  });

  it('control: [...Array(n)] over the row count itself is still a statement per row', async () => {
    assert.deepEqual(await scanLines([purge('Number(rows[0].n)')]), ['server/lib/device/device.saveStates.js:12 warning']);
  });
});
