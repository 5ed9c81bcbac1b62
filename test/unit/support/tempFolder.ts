/** Temporary folders for unit tests: made before each test, removed after it, even when it fails. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Called in a describe block: each of its tests gets a fresh empty folder; the function gives its path. */
export function tempFolderPerTest(prefix: string): () => string {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

const madeForRun: string[] = [];

/**
 * A fresh empty folder made now and removed when the test process exits (passed or failed): for a folder a test or a
 * whole suite uses where a per-test hook does not fit (a suite's `before`, a socket's folder, an e2e step).
 */
export function tempFolderForRun(prefix: string): string {
  if (madeForRun.length === 0) process.once('exit', () => madeForRun.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeForRun.push(dir);
  return dir;
}
