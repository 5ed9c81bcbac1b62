import { strict as assert } from 'node:assert';
import { connectionKey, LatestRequest, onSettingsChange } from '../../../../src/core/connection/latest';
import { normalizeProfile, parseConnectionString } from '../../../../src/core/connection/profile';

/** A connect that takes its time (a loaded machine): resolves when told to. */
function slowConnect() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { done, finish };
}

describe('core/connection/latest: the last connection request wins at once (person11 Q6)', () => {
  it('Select Connection then Disconnect: the connect finishing afterwards is dropped, the Disconnect stands', async () => {
    const requests = new LatestRequest();
    let state = 'connected to old';
    const closed: string[] = [];
    // Select Connection: a connect in flight.
    const select = requests.begin();
    const connect = slowConnect();
    const applied = connect.done.then(() => {
      if (!requests.isLatest(select)) {
        closed.push('healthchecks dev');
        return false;
      }
      state = 'connected to healthchecks dev';
      return true;
    });
    // Disconnect while it is in flight: applied at once.
    requests.begin();
    state = 'disconnected';
    connect.finish();
    assert.equal(await applied, false);
    assert.equal(state, 'disconnected');
    assert.deepEqual(closed, ['healthchecks dev'], 'the late connection is closed unused');
  });

  it('two Selects: the second wins whichever connect finishes first', () => {
    const requests = new LatestRequest();
    const first = requests.begin();
    const second = requests.begin();
    assert.equal(requests.isLatest(first), false);
    assert.equal(requests.isLatest(second), true);
  });
});

describe('core/connection/latest.onSettingsChange: a settings change re-chooses a connect the settings chose', () => {
  it("the window's start: settings in two goes, the second arriving while the first go's connect is in flight, end on the second's profile", () => {
    // E2E step 53 in the fresh-clone CI: the user's settings (another folder chose "other folder database") came first,
    // the workspace's own list a moment later, while the connect to the other folder's database was in flight.
    const starting = { inFlight: { key: 'other folder database', fromSettings: true }, disconnectedByUser: false };
    assert.equal(onSettingsChange(starting, 'shop from another folder'), 'reconnect', 'the in-flight connect to the other folder\'s database is replaced');
    assert.equal(onSettingsChange(starting, 'other folder database'), 'keep', 'the same profile: the connect in flight goes on');
    assert.equal(onSettingsChange(starting, undefined), 'reconnect', 'nothing configured any more: not left connecting to it');
  });

  it("a connect still reading the settings reads them after the change; a person's choice in flight (Select, Add Connection) wins", () => {
    assert.equal(onSettingsChange({ inFlight: { fromSettings: true }, disconnectedByUser: false }, 'shop'), 'keep');
    assert.equal(onSettingsChange({ active: 'shop', inFlight: { key: 'umami', fromSettings: false }, disconnectedByUser: false }, 'shop'), 'keep');
    assert.equal(onSettingsChange({ inFlight: { key: 'umami', fromSettings: false }, disconnectedByUser: false }, 'shop'), 'keep');
  });

  it('nothing in flight: reconnect only when the settings name another profile; after Disconnect stay disconnected', () => {
    assert.equal(onSettingsChange({ active: 'shop', disconnectedByUser: false }, 'shop'), 'keep');
    assert.equal(onSettingsChange({ active: 'shop', disconnectedByUser: false }, 'umami'), 'reconnect');
    assert.equal(onSettingsChange({ disconnectedByUser: false }, 'shop'), 'reconnect', 'not connected (a failed connect): try the profile named now');
    assert.equal(onSettingsChange({ disconnectedByUser: true }, 'shop'), 'keep');
  });
});

describe('core/connection/latest.connectionKey: the same connection whatever the order of its fields', () => {
  it("Add Connection's profile as typed and the same profile read back from settings are one connection: the settings change PG Lens wrote keeps it (verify35: it was closed and made again)", () => {
    const typed = { ...parseConnectionString('postgres://postgres:pw@127.0.0.1:45661/shop').profile, name: 'shop prod', environment: 'production' as const };
    const stored = { name: typed.name, host: typed.host, port: typed.port, database: typed.database, user: typed.user, sslmode: typed.sslmode, environment: typed.environment };
    const back = normalizeProfile(JSON.parse(JSON.stringify(stored)));
    assert.notEqual(JSON.stringify(typed), JSON.stringify(back), 'the fields come back in another order');
    assert.equal(connectionKey(typed, 30000, 200), connectionKey(back, 30000, 200));
    const state = { active: connectionKey(typed, 30000, 200), disconnectedByUser: false };
    assert.equal(onSettingsChange(state, connectionKey(back, 30000, 200)), 'keep');
  });

  it('another port, another environment or other session settings are another connection', () => {
    const p = { host: 'h', port: 5432, database: 'd', user: 'u', name: 'n', environment: 'development' };
    assert.notEqual(connectionKey(p, 30000, 200), connectionKey({ ...p, port: 5433 }, 30000, 200));
    assert.notEqual(connectionKey(p, 30000, 200), connectionKey({ ...p, environment: 'production' }, 30000, 200));
    assert.notEqual(connectionKey(p, 30000, 200), connectionKey(p, 60000, 200));
    assert.equal(connectionKey(p, 30000, 200), connectionKey({ ...p, sslrootcert: undefined }, 30000, 200));
  });
});
