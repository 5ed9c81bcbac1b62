/**
 * Kinds seen on the fourteenth session's held-out apps (issue 14, held-out-t: a Go feedback portal whose data layer is a
 * command bus, a FastAPI + SQLModel alerting platform, a MikroORM commerce monorepo), one small synthetic fixture per
 * kind, written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { expectNPlusOne, scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();

describe('N+1 kinds of held-out-t', () => {
  describe('Python start-up code across files', () => {
    const store = {
      path: 'app/rules/provisioning.py',
      text: [
        'from sqlmodel import Session, select',
        'from app.db import engine',
        'from app.models import Rule',
        '',
        'def provision_rules(tenant_id, rules):',
        '    with Session(engine) as session:',
        '        for name, body in rules.items():',
        '            rule = session.exec(select(Rule).where(Rule.name == name)).first()',
        '            session.add(rule or Rule(name=name, body=body, tenant_id=tenant_id))',
        '            session.commit()',
        '',
      ],
    };
    const gunicorn = {
      path: 'app/gunicorn_conf.py',
      text: [
        'import os',
        'from app.rules.provisioning import provision_rules',
        '',
        'def provision_resources():',
        '    provision_rules("main", load_rules(os.environ))',
        '',
        'def on_starting(server=None):',
        '    provision_resources()',
        '',
      ],
    };
    const testFile = {
      path: 'tests/test_provisioning.py',
      text: ['from app.rules.provisioning import provision_rules', '', 'def test_provision(db):', '    provision_rules("t", {"a": "x"})', ''],
    };

    it('a function only a gunicorn boot hook reaches (through another function) runs once per boot: script context, info — a test calling it too changes nothing', async () => {
      assert.deepEqual(await scanLines([store, gunicorn, testFile]), ['app/rules/provisioning.py:10 script info', 'app/rules/provisioning.py:8 script info']);
    });

    it('FastAPI: what only a `lifespan` context manager or an `on_event("startup")` handler calls is start-up code', async () => {
      const lifespan = { path: 'app/main.py', text: ['from contextlib import asynccontextmanager', 'from fastapi import FastAPI', 'from app.rules.provisioning import provision_rules', '', '@asynccontextmanager', 'async def lifespan(app):', '    provision_rules("main", {})', '    yield', '', 'app = FastAPI(lifespan=lifespan)', ''] };
      assert.deepEqual(await scanLines([store, lifespan]), ['app/rules/provisioning.py:10 script info', 'app/rules/provisioning.py:8 script info']);
      const onEvent = { path: 'app/main.py', text: ['from fastapi import FastAPI', 'from app.rules.provisioning import provision_rules', '', 'app = FastAPI()', '', '@app.on_event("startup")', 'def load():', '    provision_rules("main", {})', ''] };
      assert.deepEqual(await scanLines([store, onEvent]), ['app/rules/provisioning.py:10 script info', 'app/rules/provisioning.py:8 script info']);
    });

    it('called from a route as well, or from a function that is no boot hook, it stays request code', async () => {
      const route = { path: 'app/routes/rules.py', text: ['from fastapi import APIRouter', 'from app.rules.provisioning import provision_rules', '', 'router = APIRouter()', '', '@router.post("/rules/sync")', 'def sync(body: dict):', '    provision_rules("main", body)', ''] };
      assert.deepEqual(await scanLines([store, gunicorn, route]), ['app/rules/provisioning.py:10 request warning', 'app/rules/provisioning.py:8 request warning']);
      const notHook = { path: 'app/main.py', text: ['from app.rules.provisioning import provision_rules', '', 'def on_request(server=None):', '    provision_rules("main", {})', ''] };
      assert.deepEqual(await scanLines([store, notHook]), ['app/rules/provisioning.py:10 request warning', 'app/rules/provisioning.py:8 request warning']);
      // Called from tests only, it is no start-up code: it is a test's (startupGraph testOnlyNames, n1bo).
      assert.deepEqual(await scanLines([store, testFile]), ['app/rules/provisioning.py:10 test info', 'app/rules/provisioning.py:8 test info'], 'called from tests only, it is no start-up code');
    });

    it('a Resource\'s HTTP verb method stays request code, though the only other call of its name is in start-up code', async () => {
      const resource = { path: 'app/api/config.py', text: ['from flask_restx import Resource', 'from app.utils import set_config', '', 'class ConfigList(Resource):', '    def patch(self):', '        for key, value in request.get_json().items():', '            set_config(key, value)', ''] };
      const utils = { path: 'app/utils/__init__.py', text: ['from app.models import Configs, db', '', 'def set_config(key, value):', '    Configs.query.filter_by(key=key).update({"value": value})', '    db.session.commit()', ''] };
      const boot = { path: 'app/gunicorn_conf.py', text: ['def on_starting(server=None):', '    migrations.patch(server)', ''] };
      assert.deepEqual(await scanLines([resource, utils, boot]), ['app/api/config.py:7 request warning']);
    });
  });
  describe('Go: a command bus hands each message to the handler registered for its type', () => {
    const bus = {
      path: 'app/pkg/bus/bus.go',
      text: [
        'package bus',
        '',
        'import (',
        '\t"context"',
        '\t"reflect"',
        ')',
        '',
        'var handlers = map[string]any{}',
        '',
        'func AddHandler(h any) {',
        '\thandlers[reflect.TypeOf(h).In(1).Elem().Name()] = h',
        '}',
        '',
        'func Dispatch(ctx context.Context, msgs ...any) error {',
        '\tfor _, m := range msgs {',
        '\t\th := handlers[reflect.TypeOf(m).Elem().Name()]',
        '\t\treflect.ValueOf(h).Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(m)})',
        '\t}',
        '\treturn nil',
        '}',
        '',
      ],
    };
    const cmd = { path: 'app/models/cmd/cmd.go', text: ['package cmd', '', 'type AddVote struct {', '\tPostID int', '\tUserID int', '}', '', 'type RenderMarkdown struct {', '\tText   string', '\tResult string', '}', ''] };
    const store = {
      path: 'app/services/sqlstore/postgres/vote.go',
      text: [
        'package postgres',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        '',
        '\t"example.com/fider/app/models/cmd"',
        '\t"example.com/fider/app/pkg/bus"',
        ')',
        '',
        'var db *sql.DB',
        '',
        'func Init() {',
        '\tbus.AddHandler(addVote)',
        '\tbus.AddHandler(renderMarkdown)',
        '}',
        '',
        'func addVote(ctx context.Context, c *cmd.AddVote) error {',
        '\t_, err := db.ExecContext(ctx, "INSERT INTO post_votes (post_id, user_id) VALUES ($1, $2)", c.PostID, c.UserID)',
        '\treturn err',
        '}',
        '',
        'func renderMarkdown(ctx context.Context, c *cmd.RenderMarkdown) error {',
        '\tc.Result = "<p>" + c.Text + "</p>"',
        '\treturn nil',
        '}',
        '',
      ],
    };
    const task = {
      path: 'app/tasks/merge.go',
      text: [
        'package tasks',
        '',
        'import (',
        '\t"context"',
        '',
        '\t"example.com/fider/app/models/cmd"',
        '\t"example.com/fider/app/pkg/bus"',
        ')',
        '',
        'func MoveVotes(ctx context.Context, postID int, voters []int) error {',
        '\tfor _, u := range voters {',
        '\t\tif err := bus.Dispatch(ctx, &cmd.AddVote{PostID: postID, UserID: u}); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func MoveVotesNamed(ctx context.Context, postID int, voters []int) error {',
        '\tfor _, u := range voters {',
        '\t\tadd := &cmd.AddVote{PostID: postID, UserID: u}',
        '\t\tif err := bus.Dispatch(ctx, add); err != nil {',
        '\t\t\treturn err',
        '\t\t}',
        '\t}',
        '\treturn nil',
        '}',
        '',
        'func Render(ctx context.Context, texts []string) {',
        '\tfor _, t := range texts {',
        '\t\t_ = bus.Dispatch(ctx, &cmd.RenderMarkdown{Text: t})',
        '\t}',
        '}',
        '',
      ],
    };

    it('a message whose handler queries is a query per item (literal or a name bound to one); one whose handler does not is no query', async () => {
      const found = await scanNPlusOne([bus, cmd, store, task]);
      assert.deepEqual(found.map((f) => `${f.file}:${f.line}`).sort(), ['app/tasks/merge.go:12', 'app/tasks/merge.go:22']);
      assert.match(found[0].message, /hands a `cmd\.AddVote` to the handler registered for that type, `addVote` in app\/services\/sqlstore\/postgres\/vote\.go:18/);
    });

    it('a function taking the message type that is never registered (passed as a value) is no handler', async () => {
      const unregistered = { ...store, text: store.text.map((l) => (l.includes('AddHandler(addVote)') ? '\t// no handler registered' : l)) };
      assert.deepEqual((await scanNPlusOne([bus, cmd, unregistered, task])).map((f) => `${f.file}:${f.line}`), []);
    });

    it('the message handed to a function of the app with a typed parameter (no dispatch) goes to that function only', async () => {
      const check = { path: 'app/tasks/check.go', text: ['package tasks', '', 'import "example.com/fider/app/models/cmd"', '', 'func valid(c *cmd.AddVote) bool { return c.UserID > 0 }', '', 'func CountValid(postID int, voters []int) (n int) {', '\tfor _, u := range voters {', '\t\tif valid(&cmd.AddVote{PostID: postID, UserID: u}) {', '\t\t\tn++', '\t\t}', '\t}', '\treturn n', '}', ''] };
      assert.deepEqual((await scanNPlusOne([bus, cmd, store, check])).map((f) => `${f.file}:${f.line}`), []);
    });
  });
  describe('TypeScript: code that composes or declares, but runs no query', () => {
    it('knex: a builder handed to another builder (`knex.raw` in a join condition, a subquery) is part of that statement; awaited, or handed to Promise.all, it runs', async () => {
      const joins = [
        'import type { Knex } from "knex";',
        '',
        'export function addJoins(knex: Knex, q: Knex.QueryBuilder, entities: string[]) {',
        '  for (const e of entities) {',
        '    q.join(`index_relation AS ${e}_ref`, function () {',
        '      this.on(`${e}_ref.pivot`, "=", knex.raw("?", [e]));',
        '    });',
        '    q.whereIn(`${e}_ref.id`, knex("allowed").select("id").where({ kind: e }));',
        '  }',
        '  return q;',
        '}',
        '',
        'export async function touch(knex: Knex, ids: string[]) {',
        '  for (const id of ids) {',
        '    await knex.raw("UPDATE item SET seen = true WHERE id = ?", [id]);',
        '  }',
        '  await Promise.all(ids.map((id) => knex.raw("UPDATE item SET seen = false WHERE id = ?", [id])));',
        '}',
        '',
      ];
      assert.deepEqual((await scanNPlusOne([{ path: 'src/index/query-builder.ts', text: joins }])).map((f) => f.line), [15, 17]);
    });

    it('a class declared inside a factory function: building it runs none of its methods, so a loop building one per model is no N+1', async () => {
      const factory = [
        'import { EntityManager } from "@mikro-orm/postgresql";',
        '',
        'export function repositoryFor(entity: string) {',
        '  class Repository {',
        '    constructor(private readonly manager: EntityManager) {}',
        '    async remove(id: string) {',
        '      const manager = this.manager;',
        '      await manager.nativeDelete(entity, { id });',
        '    }',
        '  }',
        '  return Repository;',
        '}',
        '',
        'export async function countRows(manager: EntityManager, entity: string) {',
        '  return await manager.count(entity, {});',
        '}',
        '',
      ];
      const loader = [
        'import { repositoryFor, countRows } from "./repository";',
        '',
        'export async function load(models: string[], manager: any) {',
        '  const repos = new Map<string, unknown>();',
        '  for (const m of models) {',
        '    repos.set(m, repositoryFor(m));',
        '  }',
        '  for (const m of models) {',
        '    await countRows(manager, m);',
        '  }',
        '  return repos;',
        '}',
        '',
      ];
      const found = await scanNPlusOne([{ path: 'src/dal/repository.ts', text: factory }, { path: 'src/loaders/container.ts', text: loader }]);
      assert.deepEqual(found.map((f) => `${f.file}:${f.line}`), ['src/loaders/container.ts:9']);
    });
  });
  describe('Python: a function imported under another name', () => {
    const db = { path: 'app/core/db.py', text: ['from sqlmodel import Session, select', 'from app.models import Enrichment', '', 'def enrich_entity(session: Session, fingerprint: str, data: dict):', '    row = session.exec(select(Enrichment).where(Enrichment.fingerprint == fingerprint)).first()', '    row.data = {**row.data, **data}', '    session.commit()', '', 'def dumps(session: Session, value):', '    session.exec(select(Enrichment).where(Enrichment.fingerprint == value)).first()', ''] };
    it('`from app.core.db import enrich_entity as enrich_alert_db`: a call by the alias in a loop is that function, and it queries', async () => {
      const bl = { path: 'app/bl/enrichments.py', text: ['from app.core.db import enrich_entity as enrich_alert_db', '', 'def mark_seen(session, fingerprints):', '    for fp in fingerprints:', '        enrich_alert_db(session, fp, {"seen": True})', ''] };
      assert.deepEqual((await scanNPlusOne([db, bl])).map((f) => `${f.file}:${f.line}`), ['app/bl/enrichments.py:5']);
    });
    it('an alias of a library function (`from json import dumps as to_json`) is never the app\'s function of the same name', async () => {
      const bl = { path: 'app/bl/export.py', text: ['from json import dumps as to_json', '', 'def export(rows):', '    return [to_json(r) for r in rows]', ''] };
      assert.deepEqual((await scanNPlusOne([db, bl])).map((f) => `${f.file}:${f.line}`), []);
    });
  });

  describe('Python: SQLModel and one item made a list', () => {
    it('SQLModel: `session.exec(select(…)).first()` is a query, in a loop or in a function a loop calls', async () => {
      const py = [
        'from sqlmodel import Session, select',
        'from app.models import Execution, Workflow',
        '',
        'def last_execution(session: Session, workflow_id: str):',
        '    return session.exec(select(Execution).where(Execution.workflow_id == workflow_id).limit(1)).first()',
        '',
        'def schedule(session: Session, workflows: list[Workflow]):',
        '    for w in workflows:',
        '        last = last_execution(session, w.id)',
        '        rows = session.exec(select(Execution).where(Execution.workflow_id == w.id)).all()',
        '',
      ];
      assert.deepEqual((await scanNPlusOne([{ path: 'app/core/db.py', text: py }])).map((f) => f.line), [9, 10]);
    });

    it('`items = [items]` when one item was given leaves the caller\'s list otherwise: the loop runs per item; a literal list of other names stays fixed', async () => {
      const py = [
        'from sqlmodel import Session, select',
        'from app.models import Incident',
        '',
        'def process(session: Session, incidents: Incident | list[Incident]):',
        '    if isinstance(incidents, Incident):',
        '        incidents = [incidents]',
        '    for incident in incidents:',
        '        found = session.exec(select(Incident).where(Incident.id == incident.id)).first()',
        '',
        'def pair(session: Session, a: Incident, b: Incident):',
        '    both = [a, b]',
        '    for incident in both:',
        '        found = session.exec(select(Incident).where(Incident.id == incident.id)).first()',
        '',
      ];
      await expectNPlusOne(py, 'app/tasks/process_incident.py', [8]);
    });
  });
});
