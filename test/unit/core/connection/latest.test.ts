import { strict as assert } from 'node:assert';
import { LatestRequest, onSettingsChange } from '../../../../src/core/connection/latest';

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
