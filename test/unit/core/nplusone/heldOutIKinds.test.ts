/**
 * Kinds seen on the seventh session's held-out apps (issue 14, held-out-i: a Go app with sqlx stores per
 * dialect, a Node app on Objection.js, a FastAPI app on synchronous SQLAlchemy whose service modules are
 * imported as aliases), one small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { expectNPlusOne, expectNPlusOneInScan, scanNPlusOne } from '../../support/nplusoneFixtures';

/** A service module of the app: imports its models, not SQLAlchemy; `get_or_create` goes through a helper of the same file. */
const labelService = {
  path: 'shop/label/service.py',
  text: [
    'from .models import Label',
    '',
    'def get(*, db_session, label_id):',
    '    return db_session.query(Label).filter(Label.id == label_id).one_or_none()',
    '',
    'def get_or_create(*, db_session, label_in):',
    '    q = db_session.query(Label).filter_by(name=label_in.name)',
    '    found = q.first()',
    '    return found or create(db_session=db_session, label_in=label_in)',
    '',
    'def create(*, db_session, label_in):',
    '    label = Label(name=label_in.name)',
    '    db_session.add(label)',
    '    db_session.commit()',
    '    return label',
    '',
    'def describe(label):',
    '    return label.meta.get("title") or label.name',
    '',
  ],
};

/** Another module defining `get` that does not query: the alias, not the name, says which one is called. */
const cacheModule = {
  path: 'shop/cache/service.py',
  text: ['STORE = {}', '', 'def get(*, key):', '    return STORE[key]', ''],
};

describe('core/nplusone kinds seen on held-out-i', () => {
  it('Python: a call on a module imported as an alias (`from shop.label import service as label_service`) is that module\'s function, common names too', async () => {
    const order = {
      path: 'shop/order/service.py',
      text: [
        'from shop.label import service as label_service',
        'from shop.cache import service as cache_service',
        '',
        'def get(*, db_session, order_id):',
        '    return None',
        '',
        'def update(*, db_session, order, order_in):',
        '    labels = [label_service.get(db_session=db_session, label_id=l.id) for l in order_in.labels]',
        '    for l in order_in.new_labels:',
        '        labels.append(label_service.get_or_create(db_session=db_session, label_in=l))',
        '    for k in order_in.keys:',
        '        cache_service.get(key=k)',
        '    # `label.meta.get(…)` in describe is a dict read, not the module\'s own `get`.',
        '    return [label_service.describe(l) for l in labels]',
        '',
      ],
    };
    const found = await scanNPlusOne([labelService, cacheModule, order]);
    assert.deepEqual(found.map((f) => `${f.file}:${f.line}`).sort(), ['shop/order/service.py:10', 'shop/order/service.py:8']);
    // The message names the aliased module's definition, not another module's `get`.
    assert.match(found.find((f) => f.line === 8)!.message, /`get` in shop\/label\/service\.py:3/);
  });

  it('Python: a method call on an object (`pattern.match(path)`) is not the project\'s module function of that name', async () => {
    const filters = {
      path: 'shop/filter/service.py',
      text: ['from .models import Filter', '', 'def match(*, db_session, filter_spec, obj):', '    return db_session.query(Filter).filter(Filter.id == obj.id).first()', ''],
    };
    const routes = {
      path: 'shop/routes.py',
      text: [
        'import re',
        'from shop.filter import service as filter_service',
        '',
        'def params(request, routes, db_session, specs):',
        '    for r in routes:',
        '        pattern = re.compile(r.path)',
        '        m = pattern.match(request.path)',
        '    for s in specs:',
        '        filter_service.match(db_session=db_session, filter_spec=s, obj=request)',
        '',
      ],
    };
    await expectNPlusOneInScan([filters, routes], ['shop/routes.py:9']);
  });

  it('Python: what the code declares is a fixed set (Enum members, a list from a config module, a short literal range); a data loop around one still counts', async () => {
    const py = [
      'from enum import Enum',
      'from shop.models import Order, db',
      'from shop.priority.config import default_priorities',
      '',
      'class Reason(str, Enum):',
      '    lost = "lost"',
      '    found = "found"',
      '',
      'def stats(session):',
      '    out = {}',
      '    for reason in Reason:',
      '        out[reason] = session.query(Order).filter(Order.reason == reason).count()',
      '    for p in default_priorities:',
      '        session.add(Order(priority=p["name"]))',
      '        session.commit()',
      '    for i in reversed(range(1, 5)):',
      '        out[i] = session.query(Order).filter(Order.quarter == i).count()',
      '    return out',
      '',
      'def remind(session, orders):',
      '    for order in orders:',
      '        for reason in Reason:',
      '            session.query(Order).filter(Order.id == order.id, Order.reason == reason).count()',
      '',
    ];
    await expectNPlusOne(py, 'shop/stats.py', [23]);
  });

  it('Python: groups stepped by a size whose bound is a call (`range(0, len(ids), BATCH_SIZE)`) are the batched form', async () => {
    const py = [
      'from shop.models import Signal',
      '',
      'BATCH_SIZE = 100',
      '',
      'def process_batch(db_session, ids):',
      '    for signal_id in ids:',
      '        db_session.query(Signal).filter(Signal.id == signal_id).update({"done": True})',
      '        db_session.commit()',
      '',
      'def process_all(db_session, ids):',
      '    for i in range(0, len(ids), BATCH_SIZE):',
      '        batch = ids[i : i + BATCH_SIZE]',
      '        process_batch(db_session, batch)',
      '',
    ];
    // The rows of one group are still written one by one (7, 8); the call per group is not another N+1.
    await expectNPlusOne(py, 'shop/signals.py', [7, 8]);
  });

  it('SQLAlchemy: a Query built per model and only composed (`qs.union(q)`) runs nothing in the loop; one evaluated there does', async () => {
    const py = [
      'from sqlalchemy import literal',
      '',
      'class Search:',
      '    def union_query(self, models):',
      '        qs = None',
      '        for model in models:',
      '            q = self.session.query(model.id.label("id"), literal(model.__name__).label("type"))',
      '            qs = q if qs is None else qs.union(q)',
      '        return qs',
      '',
      '    def counts(self, models):',
      '        out = []',
      '        for model in models:',
      '            q = self.session.query(model.id).filter(model.active)',
      '            out.append(q.filter(model.id > 0).count())',
      '        return out',
      '',
    ];
    await expectNPlusOne(py, 'shop/search.py', [14]);
  });

  it('Objection.js: `Model.query()…` on an imported model, `record.$query()…` and `record.$relatedQuery(…)…` in a loop are queries; a subquery argument, a builder kept unawaited and whereIn are not', async () => {
    const js = [
      "import Step from '../models/step.js';",
      '',
      'export async function copySteps(flow, steps, ids) {',
      '  for (const step of steps) {',
      '    await Step.query().insert({ flowId: flow.id, key: step.key });',
      "    await flow.$relatedQuery('steps').patch({ position: step.position }).where('id', step.id);",
      '  }',
      '  await Promise.all(steps.map(async (step) => step.$query().patch({ active: false })));',
      '  for (const id of ids) {',
      "    const q = Step.query().where('flowId', id);",
      "    queries.push(Step.query().whereIn('flowId', Step.query().select('id').where('active', true)));",
      '  }',
      "  const all = await Step.query().whereIn('id', ids);",
      '  return all;',
      '}',
      '',
    ];
    // Lines 5 and 6 are the two writes of one loop: one finding for the loop, naming line 6 (person10 N20).
    await expectNPlusOne(js, 'src/helpers/copy-steps.js', [5, 8]);
  });

  it('JS: a callback kept by the call it is handed to (`const t = tool(async () => …)`) runs when invoked, not per item of the loop that builds it', async () => {
    const js = [
      "import { tool } from '@langchain/core/tools';",
      "import Connection from '../models/connection.js';",
      '',
      'export function buildTools(agentTools) {',
      '  const tools = [];',
      '  for (const agentTool of agentTools) {',
      '    const t = tool(async (input) => {',
      '      const connection = await Connection.query().findById(agentTool.connectionId);',
      '      try {',
      '        return await agentTool.run(connection, input);',
      '      } catch (e) {',
      "        return '';",
      '      }',
      '    });',
      '    tools.push(t);',
      '  }',
      '  return tools;',
      '}',
      '',
    ];
    await expectNPlusOne(js, 'src/helpers/tools.js', []);
  });

  it('the loop in the branch for another database (`else` of `if (db.type === \'postgres\')`) is not reported; the PostgreSQL branch would be', async () => {
    const js = [
      "import Tag from '../models/tag.js';",
      '',
      'export async function relateTags(config, page, tags) {',
      "  if (config.db.type === 'postgres') {",
      "    await page.$relatedQuery('tags').relate(tags.map((t) => t.id));",
      '  } else {',
      '    for (const tag of tags) {',
      "      await page.$relatedQuery('tags').relate(tag.id);",
      '    }',
      '  }',
      "  if (config.db.type === 'sqlite') {",
      '    for (const tag of tags) await Tag.query().patch({ used: true }).where({ id: tag.id });',
      '  } else {',
      '    for (const tag of tags) await Tag.query().patch({ used: true }).where({ id: tag.id });',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(js, 'server/models/tags.js', [14]);
  });

  it('Go sqlx: statements prepared with Preparex/PreparexContext (also on a chained handle) run per item; a list filled through a pointer is data, not a literal', async () => {
    const go = [
      'package store',
      '',
      'import (',
      '\t"context"',
      '\t"github.com/jmoiron/sqlx"',
      ')',
      '',
      'type DB struct{ sqlx.DB }',
      '',
      'func (db *DB) List(ctx context.Context, tx *sqlx.Tx) ([]Item, error) {',
      '\titems := []Item{}',
      '\tif err := db.SelectContext(ctx, &items, `SELECT id FROM item`); err != nil {',
      '\t\treturn nil, err',
      '\t}',
      '\tstmtTags, err := db.Reader().PreparexContext(ctx, `SELECT name FROM tag WHERE item_id = $1`)',
      '\tif err != nil {',
      '\t\treturn nil, err',
      '\t}',
      '\tstmtSave, _ := tx.Preparex(`UPDATE item SET seen = true WHERE id = $1`)',
      '\tfor i, it := range items {',
      '\t\t_ = stmtTags.SelectContext(ctx, &items[i].Tags, it.ID)',
      '\t\t_, _ = stmtSave.ExecContext(ctx, it.ID)',
      '\t}',
      '\treturn items, nil',
      '}',
      '',
    ];
    await expectNPlusOne(go, 'internal/store/items.go', [21, 22]);
  });

  it('JS: a method of a private field\'s object (`this.#runtime.delete(id)`, a Map) is not the app\'s `delete` that queries', async () => {
    const store = {
      path: 'src/models/store.js',
      text: ["import knex from '../db.js';", '', 'export class Store {', '  async delete(id) {', "    return knex('sessions').where({ id }).del();", '  }', '}', ''],
    };
    const sessions = {
      path: 'src/models/sessions.js',
      text: [
        'export class Sessions {',
        '  static #runtime = new Map();',
        '  static removeRuntime(id) {',
        '    this.#runtime.delete(id);',
        '  }',
        '  static closeAll(serverId) {',
        '    for (const [id, entry] of this.#runtime.entries()) {',
        '      if (entry.serverId === serverId) this.removeRuntime(id);',
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([store, sessions], []);
  });

  it('Objection.js: a model method built on `this.$relatedQuery(…)` queries, so calling it per item of another file\'s loop is an N+1', async () => {
    const model = {
      path: 'src/models/flow.js',
      text: ["import { Model } from 'objection';", '', 'export default class Flow extends Model {', '  async getTriggerStep() {', "    return await this.$relatedQuery('steps').findOne({ type: 'trigger' });", '  }', '}', ''],
    };
    const helper = {
      path: 'src/helpers/list-tools.js',
      text: ['export async function listTools(flows) {', '  const out = [];', '  for (const flow of flows) {', '    const trigger = await flow.getTriggerStep();', '    out.push(trigger);', '  }', '  return out;', '}', ''],
    };
    await expectNPlusOneInScan([model, helper], ['src/helpers/list-tools.js:4']);
  });
});

