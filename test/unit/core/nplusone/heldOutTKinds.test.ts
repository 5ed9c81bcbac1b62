/**
 * Kinds seen on the fourteenth session's held-out apps (issue 14, held-out-t: a Go feedback portal whose data layer is a
 * command bus, a FastAPI + SQLModel alerting platform, a MikroORM commerce monorepo), one small synthetic fixture per
 * kind, written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

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
      assert.deepEqual(await scanLines([store, gunicorn, testFile]), ['app/rules/provisioning.py:10 script info']);
    });

    it('FastAPI: what only a `lifespan` context manager or an `on_event("startup")` handler calls is start-up code', async () => {
      const lifespan = { path: 'app/main.py', text: ['from contextlib import asynccontextmanager', 'from fastapi import FastAPI', 'from app.rules.provisioning import provision_rules', '', '@asynccontextmanager', 'async def lifespan(app):', '    provision_rules("main", {})', '    yield', '', 'app = FastAPI(lifespan=lifespan)', ''] };
      assert.deepEqual(await scanLines([store, lifespan]), ['app/rules/provisioning.py:10 script info']);
      const onEvent = { path: 'app/main.py', text: ['from fastapi import FastAPI', 'from app.rules.provisioning import provision_rules', '', 'app = FastAPI()', '', '@app.on_event("startup")', 'def load():', '    provision_rules("main", {})', ''] };
      assert.deepEqual(await scanLines([store, onEvent]), ['app/rules/provisioning.py:10 script info']);
    });

    it('called from a route as well, or from a function that is no boot hook, it stays request code', async () => {
      const route = { path: 'app/routes/rules.py', text: ['from fastapi import APIRouter', 'from app.rules.provisioning import provision_rules', '', 'router = APIRouter()', '', '@router.post("/rules/sync")', 'def sync(body: dict):', '    provision_rules("main", body)', ''] };
      assert.deepEqual(await scanLines([store, gunicorn, route]), ['app/rules/provisioning.py:10 request warning']);
      const notHook = { path: 'app/main.py', text: ['from app.rules.provisioning import provision_rules', '', 'def on_request(server=None):', '    provision_rules("main", {})', ''] };
      assert.deepEqual(await scanLines([store, notHook]), ['app/rules/provisioning.py:10 request warning']);
      assert.deepEqual(await scanLines([store, testFile]), ['app/rules/provisioning.py:10 request warning'], 'called from tests only, it is no start-up code');
    });
  });
});
