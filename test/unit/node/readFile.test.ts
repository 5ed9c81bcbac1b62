import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { FileRefusedError, readRegularFile, readRegularFileSync } from '../../../src/node/readFile';

/** The async and the sync reader give the same bytes and the same refusals. */
const READERS = [
  ['readRegularFile', (f: string, max?: number) => readRegularFile(f, max)],
  ['readRegularFileSync', async (f: string, max?: number) => readRegularFileSync(f, max)],
] as const;

async function refusal(p: Promise<Buffer>): Promise<FileRefusedError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof FileRefusedError, `refused with a FileRefusedError, got ${String(e)}`);
  return e;
}

describe('node/readFile: regular files only, within a limit', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-readfile-'));
    fs.writeFileSync(path.join(dir, 'ten.sql'), 'SELECT 1;\n');
    fs.mkdirSync(path.join(dir, 'folder'));
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, read] of READERS) {
    it(`${name}: the bytes of a file up to the limit, exactly at it included`, async () => {
      assert.equal((await read(path.join(dir, 'ten.sql'))).toString('utf8'), 'SELECT 1;\n');
      assert.equal((await read(path.join(dir, 'ten.sql'), 10)).length, 10);
    });

    it(`${name}: one line for a file over the limit, a folder, and a missing file`, async () => {
      const big = await refusal(read(path.join(dir, 'ten.sql'), 9));
      assert.equal(big.code, 'TOO_LARGE');
      assert.match(big.message, /ten\.sql is 10 B, over the limit of 9 B$/);
      const folder = await refusal(read(path.join(dir, 'folder')));
      assert.equal(folder.code, 'NOT_REGULAR');
      assert.match(folder.message, /is a folder: only regular files are read/);
      const missing = await refusal(read(path.join(dir, 'nope.sql')));
      assert.equal(missing.code, 'UNREADABLE');
      assert.match(missing.message, /^cannot read .*nope\.sql: ENOENT$/);
      for (const e of [big, folder, missing]) assert.doesNotMatch(e.message, /\n/);
    });

    it(`${name}: a FIFO is refused at once, not waited on (Windows has no FIFOs in its file system)`, async function () {
      if (process.platform === 'win32') return this.skip();
      const fifo = await refusal(read(path.join(dir, 'fifo')));
      assert.equal(fifo.code, 'NOT_REGULAR');
      assert.match(fifo.message, /is a FIFO: only regular files are read$/);
    });
  }
});
