/**
 * The receiving end of the capture modules (Node side, no vscode): a local socket (a named pipe on
 * Windows) whose path goes to the app in PGLENS_CAPTURE_SOCKET. Used by `pg-lens record` and by
 * the editor's Start Recording. Lines that are not capture events are ignored; memory is bounded.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureDecoder, type CaptureEvent } from '../core/record/protocol';

const MAX_LINE = 256 * 1024;

export interface Listener {
  /** Path to give the app (PGLENS_CAPTURE_SOCKET). */
  path: string;
  /** Events dropped because the listener was full. */
  dropped(): number;
  /** Resolves when no app is connected (or after `maxWaitMs`). */
  idle(maxWaitMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A new socket (named pipe) path nobody else knows: this process's id and a random part. */
function socketPath(): string {
  const id = crypto.randomBytes(6).toString('hex');
  return process.platform === 'win32' ? `\\\\.\\pipe\\pg-lens-${process.pid}-${id}` : path.join(os.tmpdir(), `pg-lens-${process.pid}-${id}.sock`);
}

/**
 * Listen for capture events. `opts.path`: listen again where an earlier listener of this process listened (the editor
 * keeps one path per window, so a terminal opened during one recording sends to the next — person20 MEDIUM 6); a socket
 * file left there is ours and is removed first, anything else there is never touched (a new path is used).
 */
export async function listen(onEvent: (e: CaptureEvent) => void, opts: { maxEvents?: number; path?: string } = {}): Promise<Listener> {
  const file = opts.path !== undefined && reusable(opts.path) ? opts.path : socketPath();
  const max = opts.maxEvents ?? 1_000_000;
  let received = 0;
  let dropped = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    open.add(sock);
    let buf = '';
    // Each connection's definitions are its own (see CaptureDecoder).
    const decoder = new CaptureDecoder();
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line) continue;
        let ev: CaptureEvent | undefined;
        try {
          ev = decoder.decode(JSON.parse(line));
        } catch {
          ev = undefined;
        }
        if (!ev) continue;
        if (ev.t === 'dropped') dropped += ev.n;
        if (received >= max) {
          dropped++;
          continue;
        }
        received++;
        onEvent(ev);
      }
      if (buf.length > MAX_LINE) buf = '';
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => open.delete(sock));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
  return {
    path: file,
    dropped: () => dropped,
    async idle(maxWaitMs) {
      const until = Date.now() + maxWaitMs;
      // Apps that exit close their socket; children still running (a server left behind) do not.
      while (open.size && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    },
    close() {
      for (const s of open) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A path this process may listen on again: nothing there, or a socket it left (unix); a named pipe goes with its server. */
function reusable(file: string): boolean {
  if (process.platform === 'win32') return true;
  try {
    const st = fs.lstatSync(file);
    if (!st.isSocket() || st.uid !== process.getuid?.()) return false;
    fs.unlinkSync(file);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
