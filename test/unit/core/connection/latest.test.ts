import { strict as assert } from 'node:assert';
import { LatestRequest } from '../../../../src/core/connection/latest';

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
