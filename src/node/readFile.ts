/**
 * The one way PG Lens reads a file from disk on the Node side (CLI, walker, certificates; the editor
 * may use it too): only REGULAR files, never a FIFO, device or socket (a .gitignore symlinked to a
 * FIFO hung `scan` forever; an sslrootcert pointing at one hung the connect), and never more than a
 * limit (src/core/limits.ts). The file is opened non-blocking and checked on the open descriptor,
 * so a symlink or a swap between a stat and the read changes nothing.
 */
import * as fs from 'node:fs';
import { LIMITS } from '../core/limits';
import { formatBytes } from '../core/format';
import { oneLine, errorMessage } from '../core/safeText';

export class FileRefusedError extends Error {
  constructor(message: string, readonly code: 'NOT_REGULAR' | 'TOO_LARGE' | 'UNREADABLE') {
    super(message);
    this.name = 'FileRefusedError';
  }
}

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer (not on Windows, which has no FIFOs in the file system).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function kindOf(st: fs.Stats): string {
  return st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isDirectory() ? 'a folder' : 'not a regular file';
}

function check(file: string, st: fs.Stats, maxBytes: number): void {
  if (!st.isFile()) throw new FileRefusedError(`${oneLine(file)} is ${kindOf(st)}: only regular files are read`, 'NOT_REGULAR');
  if (st.size > maxBytes) throw new FileRefusedError(`${oneLine(file)} is ${formatBytes(st.size)}, over the limit of ${formatBytes(maxBytes)}`, 'TOO_LARGE');
}

function unreadable(file: string, e: unknown): FileRefusedError {
  return new FileRefusedError(`cannot read ${oneLine(file)}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`, 'UNREADABLE');
}

/** The n bytes read into buf (sized one past the limit), refused when the file grew past the limit after its stat. */
function readBytes(file: string, buf: Buffer, n: number, maxBytes: number): Buffer {
  if (n > maxBytes) throw new FileRefusedError(`${oneLine(file)} grew over the limit of ${formatBytes(maxBytes)} while being read`, 'TOO_LARGE');
  return buf.subarray(0, n);
}

/** A regular file's bytes, at most maxBytes (default LIMITS.fileBytes), or one FileRefusedError line. */
export async function readRegularFile(file: string, maxBytes: number = LIMITS.fileBytes): Promise<Buffer> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, OPEN_FLAGS);
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    const st = await fh.stat();
    check(file, st, maxBytes);
    const buf = Buffer.alloc(Math.min(maxBytes + 1, st.size + 1));
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (!bytesRead) break;
      n += bytesRead;
    }
    return readBytes(file, buf, n, maxBytes);
  } catch (e) {
    throw e instanceof FileRefusedError ? e : unreadable(file, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** The same, synchronously (for the few readers that must be: the walker's .gitignore, TLS options). */
export function readRegularFileSync(file: string, maxBytes: number = LIMITS.fileBytes): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    const st = fs.fstatSync(fd);
    check(file, st, maxBytes);
    const buf = Buffer.alloc(Math.min(maxBytes + 1, st.size + 1));
    let n = 0;
    while (n < buf.length) {
      const got = fs.readSync(fd, buf, n, buf.length - n, n);
      if (!got) break;
      n += got;
    }
    return readBytes(file, buf, n, maxBytes);
  } catch (e) {
    throw e instanceof FileRefusedError ? e : unreadable(file, e);
  } finally {
    fs.closeSync(fd);
  }
}
