/**
 * person40 L4 against a real server: Add Connection tries the login (db/database tryLogin) before it asks the profile's
 * name and environment; a wrong password is said in one line, with a chance to correct it, and nothing is kept when the
 * person cancels (core/connection/addConnection).
 */
import * as assert from 'node:assert/strict';
import { addConnectionDialog, type AddConnectionSteps, type LoginAttempt, type LoginTarget } from '../../../src/core/connection/addConnection';
import { tryLogin } from '../../../src/db/database';
import { testDatabase } from '../support';

const ROLE = `pglens_addconn_${process.pid}`;
const PASSWORD = 'Right-0ne';

describe('Add Connection: the login is tried before the name is asked (real server)', function () {
  const t = testDatabase('add_connection');
  before(async () => {
    await t.admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
    await t.admin.query(`GRANT CONNECT ON DATABASE ${t.name} TO ${ROLE}`);
  });
  after(async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: process.env.PGLENS_TEST_DATABASE_URL });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => undefined);
    await c.end();
  });

  /** The dialog's steps on the real server, each call written down in order; `fixes` answers each failure in turn. */
  function steps(fixes: (LoginTarget | undefined)[]) {
    const said: string[] = [];
    const failures: Extract<LoginAttempt, { ok: false }>[] = [];
    const s: AddConnectionSteps = {
      attempt: async (target) => {
        const r = await tryLogin({ profile: target.profile, password: target.password, connectTimeoutMs: 10_000 });
        said.push(`attempt ${r.ok ? 'ok' : 'failed'}`);
        return r;
      },
      correct: async (_target, failure) => {
        failures.push(failure);
        said.push('correct');
        return fixes.shift();
      },
      name: async () => {
        said.push('name');
        return 'shop copy';
      },
      environment: async () => {
        said.push('environment');
        return 'staging';
      },
    };
    return { s, said, failures };
  }

  it('a wrong password: one line, corrected with the right one; only then name and environment', async () => {
    const login = { ...t.profile, user: ROLE };
    const right: LoginTarget = { profile: login, password: PASSWORD, typedPassword: true };
    const { s, said, failures } = steps([right]);
    const added = await addConnectionDialog({ profile: login, password: 'wrong-pw', typedPassword: true }, s);
    assert.deepEqual(said, ['attempt failed', 'correct', 'attempt ok', 'name', 'environment']);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].wantsPassword, true, `a refused password asks for another: ${JSON.stringify(failures[0])}`);
    assert.equal(failures[0].code, '28P01');
    assert.match(failures[0].message, new RegExp(`Password authentication failed for user "${ROLE}"`));
    assert.ok(!failures[0].message.includes('\n') && !failures[0].message.includes('wrong-pw'), failures[0].message);
    assert.deepEqual(added, { target: right, name: 'shop copy', environment: 'staging' });
  });

  it('cancelled after a failure: nothing to save, and the name is never asked', async () => {
    const { s, said } = steps([undefined]);
    const added = await addConnectionDialog({ profile: { ...t.profile, database: `${t.name}_missing` }, password: t.password, typedPassword: false }, s);
    assert.equal(added, undefined);
    assert.deepEqual(said, ['attempt failed', 'correct']);
  });

  it('an edited connection (the database corrected) is tried again before the name', async () => {
    const { s, said, failures } = steps([{ profile: t.profile, password: t.password, typedPassword: false }]);
    const added = await addConnectionDialog({ profile: { ...t.profile, database: `${t.name}_missing` }, password: t.password, typedPassword: false }, s);
    assert.deepEqual(said, ['attempt failed', 'correct', 'attempt ok', 'name', 'environment']);
    assert.equal(failures[0].wantsPassword, false);
    assert.equal(added?.target.profile.database, t.name);
  });
});
