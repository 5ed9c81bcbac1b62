/**
 * The capture listener's path across recordings (person20 MEDIUM 6): a terminal keeps the socket path of the recording
 * it was opened in; the editor listens there again for the next recording, so an app restarted in that terminal is
 * heard. Real sockets, no timing: each check waits for the event it sent.
 */
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { listen, type Listener } from '../../../src/capture/listener';

async function sendDropped(file: string, n: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = net.createConnection(file, () => s.end(`${JSON.stringify({ v: 1, t: 'dropped', n, ts: 1, pid: 1 })}\n`, () => resolve()));
    s.on('error', reject);
  });
}

async function heard(l: Listener, n: number): Promise<void> {
  while (l.dropped() < n) await new Promise((r) => setTimeout(r, 10));
}

describe('capture listener: one path across recordings', function () {
  if (process.platform === 'win32') return; // named pipes go with their server: nothing is left to reuse or remove

  it('listens again on the path a closed listener used, and an app connecting there is heard', async () => {
    const first = await listen(() => undefined);
    await sendDropped(first.path, 1);
    await heard(first, 1);
    await first.close();
    const second = await listen(() => undefined, { path: first.path });
    try {
      assert.strictEqual(second.path, first.path);
      await sendDropped(second.path, 2);
      await heard(second, 2);
      assert.strictEqual(fs.statSync(second.path).mode & 0o777, 0o600);
    } finally {
      await second.close();
    }
  });

  it('removes a socket file left at the path, and never touches a file that is not a socket', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-listener-'));
    try {
      // A socket file left behind: a process that listened there was killed (a crashed window).
      const stale = path.join(dir, 'stale.sock');
      const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => process.stdout.write('up'))`]);
      await new Promise<void>((r) => child.stdout.once('data', () => r()));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      assert.ok(fs.lstatSync(stale).isSocket(), 'the killed server left its socket file');
      const again = await listen(() => undefined, { path: stale });
      assert.strictEqual(again.path, stale);
      await sendDropped(stale, 3);
      await heard(again, 3);
      await again.close();

      const plain = path.join(dir, 'notes.txt');
      fs.writeFileSync(plain, 'mine');
      const other = await listen(() => undefined, { path: plain });
      try {
        assert.notStrictEqual(other.path, plain);
        assert.strictEqual(fs.readFileSync(plain, 'utf8'), 'mine');
      } finally {
        await other.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
