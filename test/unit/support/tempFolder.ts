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
