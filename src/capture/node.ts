/**
 * PG Lens capture for Node, loaded into the user's process with `NODE_OPTIONS=--require <dist/capture.js>`
 * (by `pg-lens record` and by the editor's Start Recording). It never imports vscode or pg: it wraps
 * `pg` where the app loads it (Client#query and Pool#query, which Knex, Sequelize, TypeORM, Drizzle,
 * Kysely, MikroORM and Prisma's adapter-pg all go through) and sends one event per statement.
 *
 * Guarantees: the app's behaviour does not change — every hook runs inside try/catch and falls back
 * to the original call; the result (or error) the app sees is the driver's own; events are dropped
 * when the listener is gone or slow (bounded buffer); memory is bounded (caps on SQL length and the
 * source-map cache).
 *
 * Environment:
 *   PGLENS_CAPTURE_SOCKET  path of the listener's local socket (pg-lens record / the editor)
 *   PGLENS_CAPTURE_FILE    without a socket: the JSONL file to append to (default .pg-lens/record-<pid>.jsonl)
 *   PGLENS_CAPTURE_VALUES  "1": also send parameter values (off by default: values may be personal data)
 *   PGLENS_CAPTURE_OFF     "1": load but do nothing
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { CaptureEvent, CaptureSite, CaptureUnit } from '../core/record/protocol';
import { CAPTURE_PROTOCOL, MAX_SQL_CHARS, paramType, requestRoute } from '../core/record/protocol';
import { isPassThroughCall } from '../core/record/passThrough';

import * as http from 'node:http';
import * as https from 'node:https';

// The loader object itself (an ES namespace import would be a copy): _load is patched on it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module') as {
  _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  _resolveFilename?: (request: string, parent: unknown) => string;
  findSourceMap?: (file: string) => { findEntry(line: number, column: number): Record<string, unknown> } | undefined;
  SourceMap?: new (payload: unknown) => { findEntry(line: number, column: number): Record<string, unknown> };
  register?: (specifier: string) => void;
};

const WRAPPED = Symbol.for('pg-lens.capture.wrapped');
const MAX_BUFFER_BYTES = 4 * 1024 * 1024;
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const MAX_MAP_CACHE = 2000;
const STACK_LIMIT = 40;

interface Store {
  unit: CaptureUnit;
  /** A call site taken where the app called Pool#query, consumed by the Client#query it leads to. */
  site?: CaptureSite | LaterSite | null;
  siteUsed?: boolean;
  /** Taken where the app called an ORM method: every statement that call sends gets it. */
  sticky?: boolean;
}

const als = new AsyncLocalStorage<Store>();
const ROOT: CaptureUnit = { k: 'root', id: `root-${process.pid}`, n: 'outside any request or test' };
const captureFile = __filename;
const sendValues = process.env.PGLENS_CAPTURE_VALUES === '1';
/** Read once: process.env is a slow accessor, and the path does not change. */
const sockPath = process.env.PGLENS_CAPTURE_SOCKET;
let unitSeq = 0;

// ---- transport ---------------------------------------------------------------------------------

let socket: net.Socket | undefined;
let socketGone = false;
let fileStream: fs.WriteStream | undefined;
let fileBytes = 0;
let dropped = 0;
/**
 * Dropped statements the listener has been told of: each batch tells it how many more were dropped since, so the
 * editor's count and report say so while the app runs (a server's drops were said only when it exited).
 */
let droppedSaid = 0;

/**
 * Connect at load time, so the socket is open before the first statement (and before a
 * process.exit). The socket never keeps the app alive: pending writes would (libuv counts them),
 * so when the listener has not taken what waits in the buffer within FLUSH_GRACE_MS it is treated
 * as gone — the socket is destroyed and later events are dropped. A listener that does not read
 * can neither block the app nor stop it from exiting.
 */
const FLUSH_GRACE_MS = 1000;
let graceTimer: NodeJS.Timeout | undefined;
/** Bytes handed to the socket; minus its buffer, what the listener has taken. */
let pushed = 0;

function holdBriefly(): void {
  if (graceTimer || !socket) return;
  const takenBefore = pushed - socket.writableLength;
  graceTimer = setTimeout(() => {
    graceTimer = undefined;
    if (!socket || socket.connecting || socket.writableLength === 0) return;
    // Still reading, only slowly (a busy machine): wait again. Not reading at all: gone.
    if (pushed - socket.writableLength > takenBefore) return holdBriefly();
    socketGone = true;
    dropped++;
    socket.destroy();
  }, FLUSH_GRACE_MS);
  graceTimer.unref();
}

function connect(sockPath: string): net.Socket {
  const s = net.createConnection(sockPath);
  s.on('error', () => {
    // The listener is gone: drop from now on, never fail the app.
    socketGone = true;
    s.destroy();
  });
  s.on('drain', () => {
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = undefined;
  });
  s.unref();
  return s;
}

/**
 * Events are batched: one write per FLUSH_MS (a syscall per statement would cost more than the
 * rest of the capture), and flushed synchronously when the process exits (a write to a connected
 * local socket is attempted at once), so a process.exit() right after a query loses nothing.
 * A statement waits in the queue as its record and is encoded when the batch is written: one tight
 * loop over the batch, whose code and caches stay warm, costs the app less than a line built between
 * its own work at the end of each statement. A string in the queue is a line already encoded.
 * The longer the batch, the cheaper each line (twelfth session, a profile of a Client loop against a real
 * server: the batch's share of the capture's CPU per statement was 19 % at 20 ms, 9 % at 100 ms, 8 % at
 * 200 ms — fewer writes, and the encoding loop stays warm for more lines): 100 ms, and a batch that
 * reaches FLUSH_EVENTS first is written at the next turn of the event loop (never inside a statement's
 * own callback), so a fast app does not reach MAX_QUEUE between two writes.
 */
const FLUSH_MS = 100;
const FLUSH_EVENTS = 2000;
const queue: (Pending | string)[] = [];
const MAX_QUEUE = 10_000;
/** Characters of SQL text, values and lines the queue holds (bounded like the socket's buffer). */
let queuedChars = 0;
let flushTimer: NodeJS.Timeout | undefined;
let flushSoon: NodeJS.Immediate | undefined;

function enqueue(x: Pending | string): void {
  if (socketGone) return void dropped++;
  socket ??= connect(sockPath!);
  const chars = typeof x === 'string' ? x.length : x.sql.length + (x.pv?.length ?? 0);
  if (queue.length >= MAX_QUEUE || queuedChars + chars > MAX_BUFFER_BYTES) return void dropped++;
  queuedChars += chars;
  queue.push(x);
  if (!flushTimer) {
    flushTimer = setTimeout(flushBatch, FLUSH_MS);
    flushTimer.unref();
  } else if (queue.length >= FLUSH_EVENTS && !flushSoon) {
    flushSoon = setImmediate(flushBatch);
    flushSoon.unref();
  }
}

function flushBatch(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (flushSoon) clearImmediate(flushSoon);
  flushSoon = undefined;
  if (queue.length === 0) return;
  queuedChars = 0;
  if (!socket || socketGone) return void (queue.length = 0);
  let data = '';
  let n = 0;
  for (const x of queue) {
    if (typeof x === 'string') data += x;
    else {
      data += recordOf(x);
      n++;
    }
  }
  queue.length = 0;
  if (socket.writableLength > MAX_BUFFER_BYTES) {
    // The definitions in this batch never reach the listener: define everything again from the next one.
    forgetDefinitions();
    dropped += n;
    return;
  }
  if (dropped > droppedSaid) {
    data += JSON.stringify({ v: CAPTURE_PROTOCOL, t: 'dropped', n: dropped - droppedSaid, ts: Date.now(), pid: process.pid }) + '\n';
    droppedSaid = dropped;
  }
  // In the unit writableLength counts (a string's length: the socket is handed strings).
  pushed += data.length;
  if (!socket.write(data) || socket.connecting) holdBriefly();
}

function send(ev: CaptureEvent): void {
  try {
    sendLine(JSON.stringify(ev) + '\n');
  } catch {
    dropped++;
  }
}

function sendLine(line: string): void {
  try {
    if (sockPath) return enqueue(line);
    if (!fileStream) {
      const file = process.env.PGLENS_CAPTURE_FILE || path.join(process.cwd(), '.pg-lens', `record-${process.pid}.jsonl`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const ignore = path.join(path.dirname(file), '.gitignore');
      if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# PG Lens recordings: never committed\n*\n');
      fileStream = fs.createWriteStream(file, { flags: 'a' });
      fileStream.on('error', () => {
        fileBytes = Infinity;
      });
    }
    if (fileBytes + line.length > MAX_FILE_BYTES || fileStream.writableLength > MAX_BUFFER_BYTES) return void dropped++;
    fileBytes += line.length;
    fileStream.write(line);
  } catch {
    dropped++;
  }
}

// ---- call sites --------------------------------------------------------------------------------

type Mapper = { findEntry(line: number, column: number): Record<string, unknown> } | null;
const maps = new Map<string, Mapper>();

/** The source map of a generated file: Node's cache (--enable-source-maps, tsx), else the file's own comment. */
function mapperOf(file: string): Mapper {
  const known = maps.get(file);
  if (known !== undefined) return known;
  let m: Mapper = null;
  try {
    m = Module.findSourceMap?.(file) ?? inMemoryMap(file) ?? null;
    if (!m && Module.SourceMap && !file.startsWith('node:')) {
      const compiledUrl = compiledMapUrls.get(file);
      if (compiledUrl !== undefined) m = mapOfUrl(compiledUrl, file);
      else {
        // An ES module's frames name its file:// URL: its comment and map are read from its path.
        const onDisk = toPath(file);
        const hit = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/.exec(fs.readFileSync(onDisk, 'utf8').slice(-200_000));
        if (hit) m = mapOfUrl(hit[1], onDisk);
      }
    }
  } catch {
    m = null;
  }
  if (maps.size >= MAX_MAP_CACHE) maps.clear();
  maps.set(file, m);
  return m;
}

/** The source map a sourceMappingURL names (inline data: or a file next to `file`). */
function mapOfUrl(url: string, file: string): Mapper {
  if (!Module.SourceMap) return null;
  const json = url.startsWith('data:')
    ? Buffer.from(url.slice(url.indexOf(',') + 1), url.includes(';base64,') ? 'base64' : 'utf8').toString('utf8')
    : fs.readFileSync(path.resolve(path.dirname(file), decodeURIComponent(url)), 'utf8');
  const payload = JSON.parse(json);
  if (payload && !payload.sourceRoot) payload.sourceRoot = '';
  return new Module.SourceMap(payload);
}

/**
 * Inline source maps of the app's files as require-hook transpilers compiled them in memory (ts-node,
 * esbuild-register, @swc/register, @babel/register, pirates hooks): they hand Module#_compile the
 * generated code ending in `//# sourceMappingURL=data:…`, while the file on disk (.ts) has no comment
 * and Node's own cache is only filled with --enable-source-maps (which would change the app's stack
 * traces). The data: URL is kept as it came (parsed on the first look-up of a frame in that file).
 */
const compiledMapUrls = new Map<string, string>();
const INLINE_MAP = /\/\/[#@] sourceMappingURL=(data:[^\s'"]+)\s*$/;

function rememberCompiledMap(content: unknown, filename: unknown): void {
  if (typeof content !== 'string' || typeof filename !== 'string' || !isUserFrame(filename)) return;
  const at = content.lastIndexOf('sourceMappingURL=data:');
  if (at < 4) return;
  const hit = INLINE_MAP.exec(content.slice(at - 4));
  if (!hit) return;
  if (compiledMapUrls.size >= MAX_MAP_CACHE) compiledMapUrls.clear();
  compiledMapUrls.set(filename, hit[1]);
  // A file compiled again (a watcher, a test runner's fresh registry): its earlier map is stale.
  maps.delete(filename);
}

function hookCompile(): void {
  const proto = (Module as unknown as { prototype?: { _compile?: (content: string, filename: string, ...rest: unknown[]) => unknown } }).prototype;
  const orig = proto?._compile;
  if (!proto || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const compile = function (this: unknown, content: string, filename: string, ...rest: unknown[]): unknown {
    try {
      rememberCompiledMap(content, filename);
    } catch {
      // never fail a require
    }
    return orig.call(this, content, filename, ...rest);
  };
  (compile as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  proto._compile = compile;
}

/**
 * Test runners run the test files and the app's source as code they transformed in memory, whose
 * positions are not the file's. Vitest (vite-node) keeps each module's source map in its module
 * cache; Jest's runtime keeps the path of each transformed file's map.
 */
function inMemoryMap(file: string): Mapper | undefined {
  if (jestRuntime && Module.SourceMap) {
    const mapFile = jestRuntime.getSourceMaps?.()?.get(file);
    if (typeof mapFile === 'string') {
      const payload = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sourceRoot?: string };
      return new Module.SourceMap({ ...payload, sourceRoot: payload.sourceRoot ?? '' });
    }
  }
  const cache = (globalThis as { __vitest_worker__?: { moduleCache?: { has?: (f: string) => boolean; getSourceMap?: (f: string) => unknown } } }).__vitest_worker__?.moduleCache;
  if (!cache?.has || !cache.getSourceMap || !Module.SourceMap || !cache.has(file)) return undefined;
  const payload = cache.getSourceMap(file) as { sourceRoot?: string } | null;
  if (!payload || typeof payload !== 'object') return undefined;
  return new Module.SourceMap({ ...payload, sourceRoot: payload.sourceRoot ?? '' });
}

function isUserFrame(file: string | null | undefined): file is string {
  if (!file) return false;
  if (file.startsWith('node:') || file.startsWith('internal/')) return false;
  if (file === captureFile) return false;
  return !/[\\/]node_modules[\\/]/.test(file);
}

/** An ES module's frame names its file by URL: the path (`%20` decoded, `C:\\` on Windows). */
function toPath(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

/** The package a frame belongs to (after the last node_modules segment: `sequelize`, `@mikro-orm/core`). */
const PACKAGE = /^((?:@[^\\/]+[\\/])?[^\\/]+)/;
function packageOf(file: string): string | undefined {
  const at = Math.max(file.lastIndexOf('/node_modules/'), file.lastIndexOf('\\node_modules\\'));
  return at < 0 ? undefined : PACKAGE.exec(file.slice(at + 14))?.[1];
}
const DRIVERS = new Set(['pg', 'pg-pool', 'pg-protocol', 'postgres']);

const structured = (_e: Error, frames: NodeJS.CallSite[]): NodeJS.CallSite[] => frames;

/**
 * Frames read first, counted from the caller of the capture's own wrapper. V8's cost grows with each
 * frame read (an optimised frame is decoded to find its inlined functions: the second frame is often
 * the app's larger function around the call), so few are asked for. The app calls Client#query,
 * Pool#query and an ORM's methods itself: its line is the first frame. A query builder's maker and
 * postgres.js's query are reached through a function of the library (knex(), the sql tag): the second.
 */
const NEAR_FRAMES = 1;
const NEAR_FRAMES_VIA_LIBRARY = 2;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Fn = Function;
/**
 * What the capture knows of a script (by the file name V8 reports for its frames): whether it is the
 * app's code, the package it belongs to, and its positions already resolved (generated line and column
 * → source-mapped site, keyed by a number), so a frame seen before costs two Map look-ups and no
 * string building.
 */
interface Script {
  raw: string;
  user: boolean;
  path: string;
  pkg: string | undefined;
  sites: Map<number, CaptureSite | null>;
  /** The app's script whose every position is a site (see lineLater); undefined until asked. */
  lineLater?: boolean;
  /** A site of this script is a pass-through wrapper's (passThroughSites): its frames are read deeper, never later. */
  passThrough?: boolean;
  /** Per position (line and column) of the script: statements whose site was read on their path before that position's are left for later (READ_NOW_FIRST). */
  readNow?: Map<number, number>;
}
/**
 * Each line's first statements have their site read on the path, not later: a pass-through wrapper's line is learned on
 * its first statement, and that statement is already at its caller's line (person22 MEDIUM 1's remnant: the first batch
 * sent through the demo's wrapper stayed at the wrapper's line until the batch was written). Counted per line, not per
 * script (person24 MEDIUM 1: the demo's traffic sent three statements of its own at another line first, which used the
 * script's reads up, and the wrapper's first calls stayed at its line) — and per position, not per line: tsx (esbuild
 * with minified whitespace) puts a whole TypeScript module on one generated line, so the demo's max(id) statements
 * used that one line's reads up and 52 of 300 statements stayed at the wrapper (person25). At most READ_NOW_LINES
 * positions a script.
 */
const READ_NOW_FIRST = 2;
const READ_NOW_LINES = 4096;
const scripts = new Map<string, Script>();
const MAX_RESOLVED = 20_000;
let resolvedCount = 0;

function scriptOf(raw: string): Script {
  let s = scripts.get(raw);
  if (s === undefined) {
    const file = toPath(raw);
    s = { raw, user: isUserFrame(file), path: file, pkg: packageOf(file), sites: new Map() };
    if (scripts.size >= MAX_MAP_CACHE) scripts.clear();
    scripts.set(raw, s);
  }
  return s;
}

/** One number per position (exact: no two positions share one); -1 past the range, resolved each time. */
const COL_SPAN = 2 ** 26;
function positionKey(line: number, col: number): number {
  return line >= 0 && col >= 0 && col < COL_SPAN && line < 2 ** 26 ? line * COL_SPAN + col : -1;
}

/**
 * A stack read is made in three steps so that Error.captureStackTrace runs in the frame that needs
 * the frames above it: each frame of the capture's between the read and the app's line is one more
 * for V8 to walk and decode (about 0.4 µs each), so the per-statement paths read in their own frame:
 *   readStart(n); try { Error.captureStackTrace(holder, above); } finally { site = nearSiteRead(above, …); }
 * (formatting the frames and looking the site up read no stack: done in a frame of their own, they cost
 * nothing more). Were captureStackTrace to throw, the error goes on from the finally, so the frames of
 * an earlier read are never used.
 * Nothing runs between readStart and readEnd but V8 and `structured` (no app code, no other read), so
 * the settings they save and the object the frames are read into are the module's own, reused: V8
 * sets the object's stack anew at each read, and a new object per read costs V8 a property definition.
 */
const holder: { stack?: unknown } = {};
let savedLimit: number | undefined;
let savedPrepare: typeof Error.prepareStackTrace;
function readStart(limit: number): void {
  savedLimit = Error.stackTraceLimit;
  savedPrepare = Error.prepareStackTrace;
  Error.stackTraceLimit = limit;
  Error.prepareStackTrace = structured;
}
function readEnd(): void {
  Error.stackTraceLimit = savedLimit!;
  Error.prepareStackTrace = savedPrepare;
}
/** The frames read into the holder (formatted now, while structured is Error.prepareStackTrace). */
function framesOf(): NodeJS.CallSite[] | undefined {
  const frames = holder.stack;
  return Array.isArray(frames) ? (frames as NodeJS.CallSite[]) : undefined;
}
/** The frames just read into the holder, and the settings readStart changed put back (before any deeper read). */
function readDone(): NodeJS.CallSite[] | undefined {
  try {
    return framesOf();
  } finally {
    readEnd();
  }
}
/** The end of a one-frame read (see readDone), and the site among its frames (see nearSite). */
function nearSiteRead(above: Fn, via?: string, syncOnly = false, nearOnly = false): CaptureSite | LaterSite | null {
  return nearSite(readDone(), above, via, syncOnly, nearOnly);
}

function framesAbove(limit: number, above: Fn): NodeJS.CallSite[] | undefined {
  readStart(limit);
  try {
    // Frames from `above` (the capture's wrapper the app called) up are left out.
    Error.captureStackTrace(holder, above);
    return framesOf();
  } finally {
    readEnd();
  }
}

/**
 * The first frame in the user's code (outside node_modules and this module), mapped to its source.
 * The nearest frames are read first and the full STACK_LIMIT only when the app's line is
 * not among them (a statement sent from deep inside a library); each position is resolved once.
 */
function callSite(above: Fn, via?: string): CaptureSite | null {
  return siteAmong(framesAbove(NEAR_FRAMES_VIA_LIBRARY, above), NEAR_FRAMES_VIA_LIBRARY, above, via);
}

/**
 * The site among the nearest frames read above `above`, or deeper in the stack when they do not hold it.
 * syncOnly: only a frame on the synchronous stack counts (inside an ORM call, where its site is known);
 * nearOnly: the deeper stack is not read.
 */
function siteAmong(near: NodeJS.CallSite[] | undefined, read: number, above: Fn, via?: string, syncOnly = false, nearOnly = false): CaptureSite | null {
  // `above` not on the stack (never expected): read from here instead.
  if (near && near.length === 0) near = framesAbove(STACK_LIMIT, siteAmong);
  if (!near) return null;
  const found = userSite(near, via, syncOnly);
  // Only a pass-through wrapper's line among the nearest frames: its caller is read deeper.
  const wrapper = found !== undefined && passThroughSites.has(found);
  if ((found !== undefined && !wrapper) || near.length < read) return found ?? null;
  // V8 lists async frames after every synchronous one: past the first, no synchronous frame is left.
  if (nearOnly || (syncOnly && near.some(isAsyncFrame))) return found ?? null;
  const all = framesAbove(STACK_LIMIT, above);
  return (all && userSite(all, via, syncOnly)) ?? found ?? null;
}

const isAsyncFrame = (f: NodeJS.CallSite): boolean => (f as { isAsync?: () => boolean }).isAsync?.() === true;

/**
 * The user's site among the frames: a site, null (a user frame that maps into node_modules is skipped),
 * or undefined (none). Sites are shared and never changed after they are made (their JSON is cached).
 */
function userSite(frames: NodeJS.CallSite[], viaDefault: string | undefined, syncOnly: boolean): CaptureSite | undefined {
  let via: string | undefined;
  // A pass-through wrapper's site: the frame that called it is taken when there is one.
  let wrapper: CaptureSite | undefined;
  for (const f of frames) {
    if (syncOnly && isAsyncFrame(f)) break;
    const raw = f.getFileName?.() ?? (f as { getScriptNameOrSourceURL?: () => string }).getScriptNameOrSourceURL?.();
    if (!raw) continue;
    const script = scriptOf(raw);
    if (!script.user) {
      if (script.pkg && !DRIVERS.has(script.pkg)) via = script.pkg;
      continue;
    }
    const hit = siteAt(f, script);
    if (!hit) continue;
    if (passThroughSites.has(hit)) {
      wrapper ??= withVia(hit, via ?? viaDefault);
      continue;
    }
    return withVia(hit, via ?? viaDefault);
  }
  return wrapper;
}

/**
 * Sites on a line of the app's that hands on what it was given to the driver (core/record/passThrough: `query:
 * (...args) => pool.query(...args)`): not where the statement is written, so the frame that called it is the site
 * (person21 MEDIUM 1: the demo's counting wrapper took every statement of src/). Learned once per site from the line's
 * text; the statements sent before a script's first such site was resolved (a batch, FLUSH_MS) keep the wrapper's line.
 */
const passThroughSites = new WeakSet<CaptureSite>();
/** Source lines of the app's files read for that (bounded, as the script cache is). */
const sourceLines = new Map<string, string[] | null>();
function sourceLine(file: string, line: number): string | undefined {
  let lines = sourceLines.get(file);
  if (lines === undefined) {
    try {
      const st = fs.statSync(file);
      lines = st.isFile() && st.size <= 2_000_000 ? fs.readFileSync(file, 'utf8').split('\n') : null;
    } catch {
      lines = null;
    }
    if (sourceLines.size >= MAX_MAP_CACHE) sourceLines.clear();
    sourceLines.set(file, lines);
  }
  return lines?.[line - 1];
}
function learnPassThrough(site: CaptureSite, script: Script): void {
  const text = sourceLine(site.file, site.line);
  if (text !== undefined && text.length <= 2000 && isPassThroughCall(text, site.col)) {
    passThroughSites.add(site);
    script.passThrough = true;
  }
}

/** The site of a frame in the app's script (null when it maps into node_modules); each position resolved once. */
function siteAt(f: NodeJS.CallSite, script: Script): CaptureSite | null {
  const line = f.getLineNumber() ?? 0;
  const col = f.getColumnNumber() ?? 0;
  const key = positionKey(line, col);
  let hit = key < 0 ? undefined : script.sites.get(key);
  if (hit === undefined) {
    hit = resolve(script.raw, script.path, line, col, f.getFunctionName());
    if (hit) {
      try {
        learnPassThrough(hit, script);
      } catch {
        // the line stays the site
      }
    }
    if (key >= 0) {
      if (++resolvedCount > MAX_RESOLVED) {
        resolvedCount = 1;
        for (const x of scripts.values()) x.sites.clear();
      }
      script.sites.set(key, hit);
    }
  }
  return hit;
}

/**
 * The app's line, read when its batch is written rather than on the statement's path: V8 computes a
 * frame's line and column from its code offset when asked (a walk of the function's source position
 * table, and the script's line ends), and the capture then looks the position up in its caches —
 * work that need not delay the query (the walk and the format must: see nearSite). Only the frame itself is kept (V8's call site: the function, its
 * receiver and code offset) until the batch is written — at most MAX_QUEUE of them — or, taken at an
 * ORM's entry, for as long as that ORM call runs (its AsyncLocalStorage store holds it).
 * It is taken only where the line read later is the one read now: the frame is the app's first
 * frame, in a script whose every position is a site (no source map, or a map into no node_modules),
 * so the deeper stack would not have been read.
 */
class LaterSite {
  constructor(
    readonly f: NodeJS.CallSite,
    readonly script: Script,
    /** The library the statement went through (an ORM's call): see withVia. */
    readonly via?: string,
  ) {}
  site(): CaptureSite | null {
    try {
      const s = siteAt(this.f, this.script);
      return s && withVia(s, this.via);
    } catch {
      return null;
    }
  }
}

/** Whether a position in the app's script always maps to a site (never into node_modules): see resolve. */
function lineLater(script: Script): boolean {
  if (script.lineLater === undefined) {
    let later = false;
    try {
      const m = mapperOf(script.raw) as { payload?: { sources?: unknown; sourceRoot?: unknown } } | null;
      if (!m) later = true;
      else {
        const sources = m.payload?.sources;
        const root = m.payload?.sourceRoot;
        later = Array.isArray(sources) && (root === undefined || typeof root === 'string') && ![root ?? '', ...sources].some((x) => typeof x !== 'string' || NODE_MODULES.test(x));
      }
    } catch {
      later = false;
    }
    script.lineLater = later;
  }
  return script.lineLater;
}
const NODE_MODULES = /[\\/]node_modules[\\/]|^node_modules[\\/]/;

/**
 * The site among the one frame read in Client#query, Pool#query or an ORM's entry: the app's frame
 * kept for later (LaterSite) when that gives the same line, else read now as siteAmong does (same
 * arguments). The frames themselves are taken and formatted on the path: only the formatted frame
 * tells which script it is in, and whether that is the app's decides, now, whether the deeper stack
 * is read. With syncOnly an async frame is not the app's line (siteAmong then gives null).
 */
function nearSite(near: NodeJS.CallSite[] | undefined, above: Fn, via?: string, syncOnly = false, nearOnly = false): CaptureSite | LaterSite | null {
  const f = near?.length === 1 ? near[0] : undefined;
  const raw = f?.getFileName?.();
  if (f && raw) {
    const script = scriptOf(raw);
    if (script.user) {
      if (lineLater(script) && !script.passThrough && !(syncOnly && isAsyncFrame(f))) {
        const at = positionKey(f.getLineNumber?.() ?? 0, f.getColumnNumber?.() ?? 0);
        const readNow = (script.readNow ??= new Map());
        const n = readNow.get(at) ?? 0;
        if (n >= READ_NOW_FIRST || (n === 0 && readNow.size >= READ_NOW_LINES)) return new LaterSite(f, script, via);
        readNow.set(at, n + 1);
      }
    } else if (nearOnly) return null; // a library's frame (Sequelize's own call of its funnel): siteAmong would find no site and read no deeper
  }
  return siteAmong(near, NEAR_FRAMES, above, via, syncOnly, nearOnly);
}

/** The site with the library it went through: one shared object per (site, library). */
const viaSites = new WeakMap<CaptureSite, Map<string, CaptureSite>>();
function withVia(site: CaptureSite, via: string | undefined): CaptureSite {
  if (!via) return site;
  let m = viaSites.get(site);
  if (!m) viaSites.set(site, (m = new Map()));
  let s = m.get(via);
  if (!s) {
    m.set(via, (s = { ...site, via }));
    if (passThroughSites.has(site)) passThroughSites.add(s);
  }
  return s;
}

/** A generated position mapped through the file's source map; null when it maps into node_modules. */
function resolve(raw: string, file: string, line: number, col: number, fn: string | null): CaptureSite | null {
  let src = file;
  const m = mapperOf(raw);
  if (m) {
    try {
      const e = m.findEntry(line - 1, col - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (e && typeof e.originalLine === 'number' && e.originalSource) {
        const os = toPath(e.originalSource);
        src = path.isAbsolute(os) ? os : path.resolve(path.dirname(file), os);
        line = e.originalLine + 1;
        col = (e.originalColumn ?? 0) + 1;
      }
    } catch {
      // keep the generated position
    }
  }
  if (/[\\/]node_modules[\\/]/.test(src)) return null;
  const site: CaptureSite = { file: src, line, col };
  if (fn) site.fn = fn;
  return site;
}

// ---- units of work -----------------------------------------------------------------------------

function currentUnit(): CaptureUnit {
  return als.getStore()?.unit ?? vitestUnit() ?? ROOT;
}

function runInUnit<T>(unit: CaptureUnit, fn: () => T): T {
  return als.run({ unit }, fn);
}

/** What Express (and NestJS on it) leaves on the request once a route matched: `req.baseUrl` + `req.route.path`. */
interface RoutedRequest {
  method?: string;
  url?: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
/** A request unit's request, until a statement names the unit by the framework's route. */
const unitRequests = new WeakMap<CaptureUnit, RoutedRequest>();
/** A request unit's framework route, when the framework keeps it off the request (Koa's context, Fastify's router). */
const unitRoutes = new WeakMap<CaptureUnit, () => unknown>();

/**
 * The unit a statement runs in, named by its framework route once one matched (Express and NestJS on it:
 * `GET /projects/:projectId/terms`; Koa with @koa/router: `ctx._matchedRoute`; Fastify: the route's url). Until a
 * route matched (a middleware's statement before the router), it keeps the path's name and asks again at the next
 * statement; never throws.
 */
function routedUnit(unit: CaptureUnit): CaptureUnit {
  const req = unitRequests.get(unit);
  if (!req) return unit;
  try {
    const route = unitRoutes.get(unit)?.() ?? req.route?.path;
    if (typeof route === 'string') {
      unit.n = `${req.method ?? ''} ${req.route?.path === route && typeof req.baseUrl === 'string' ? req.baseUrl : ''}${route}`.slice(0, 200);
      unitRequests.delete(unit);
      unitRoutes.delete(unit);
    }
  } catch {
    // a getter of the app's: keep the path's name
    unitRequests.delete(unit);
  }
  return unit;
}

/** The request unit the running code is in, while it has not been named by a route yet. */
function unnamedRequestUnit(): CaptureUnit | undefined {
  const unit = als.getStore()?.unit;
  return unit && unitRequests.has(unit) ? unit : undefined;
}

/** Koa: the context a request's middleware sees; @koa/router leaves the matched route's path on it (`_matchedRoute`). */
function hookKoa(app: unknown): void {
  const proto = (app as { prototype?: { createContext?: (...a: unknown[]) => unknown } } | undefined)?.prototype;
  const orig = proto?.createContext;
  if (typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const createContext = function (this: unknown, ...args: unknown[]): unknown {
    const ctx = orig.apply(this, args) as { _matchedRoute?: unknown } | undefined;
    try {
      const unit = unnamedRequestUnit();
      if (unit && ctx && typeof ctx === 'object') unitRoutes.set(unit, () => ctx._matchedRoute);
    } catch {
      // never fail a request
    }
    return ctx;
  };
  (createContext as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  proto!.createContext = createContext;
}

/**
 * Fastify routes with find-my-way: the handle its router finds for a request holds Fastify's route context, whose
 * `config.url` is the route as declared, prefixes included (`/api/users/:id`; what `request.routeOptions.url` reads).
 */
function hookFindMyWay(router: unknown): void {
  const proto = (router as { prototype?: { find?: (...a: unknown[]) => unknown } } | undefined)?.prototype;
  const orig = proto?.find;
  if (typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const find = function (this: unknown, ...args: unknown[]): unknown {
    const handle = orig.apply(this, args) as { store?: { config?: { url?: unknown } } } | null | undefined;
    try {
      const unit = handle ? unnamedRequestUnit() : undefined;
      const url = unit ? handle?.store?.config?.url : undefined;
      if (unit && typeof url === 'string') unitRoutes.set(unit, () => url);
    } catch {
      // never fail a request
    }
    return handle;
  };
  (find as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  proto!.find = find;
}

/** node:http / https servers: each 'request' is a unit of work named by method and route (the framework's, else the path with ids as `:id`). */
function hookHttp(mod: { Server?: { prototype: { emit: (...a: unknown[]) => boolean } } }): void {
  const proto = mod?.Server?.prototype;
  if (!proto || (proto.emit as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const orig = proto.emit;
  const emit = function (this: unknown, event: unknown, ...rest: unknown[]): boolean {
    if (event !== 'request') return orig.call(this, event, ...rest);
    let unit: CaptureUnit | undefined;
    try {
      const req = rest[0] as RoutedRequest;
      unit = { k: 'request', id: `r${process.pid}-${++unitSeq}`, n: requestRoute(req?.method ?? '', req?.url ?? '') };
      unitRequests.set(unit, req);
    } catch {
      unit = undefined;
    }
    return unit ? runInUnit(unit, () => orig.call(this, event, ...rest)) : orig.call(this, event, ...rest);
  };
  (emit as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  proto.emit = emit;
}

/** mocha: every test (and hook) runs as its own unit, named by its full title. */
function hookMocha(mod: { Runnable?: { prototype: { run: (fn: unknown) => unknown; fullTitle?: () => string; type?: string } } }): void {
  const proto = mod?.Runnable?.prototype;
  if (!proto || (proto.run as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const orig = proto.run;
  const run = function (this: { fullTitle?: () => string; type?: string }, fn: unknown): unknown {
    let unit: CaptureUnit | undefined;
    try {
      unit = { k: 'test', id: `t${process.pid}-${++unitSeq}`, n: `${this.type === 'hook' ? 'hook: ' : ''}${this.fullTitle?.() ?? 'test'}`.slice(0, 300) };
    } catch {
      unit = undefined;
    }
    return unit ? runInUnit(unit, () => orig.call(this, fn)) : orig.call(this, fn);
  };
  (run as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  proto.run = run;
}

/**
 * A function that runs `fn` in the unit, with fn's arity (test runners read `fn.length` to pass a
 * `done` callback). Generator functions are left alone (a wrapper would change what they return).
 */
function inUnitFn(fn: (...a: unknown[]) => unknown, unit: CaptureUnit): (...a: unknown[]) => unknown {
  if (Object.prototype.toString.call(fn) !== '[object Function]' && Object.prototype.toString.call(fn) !== '[object AsyncFunction]') return fn;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return runInUnit(unit, () => fn.apply(this, args));
  };
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped;
}

/**
 * Jest loads the app's modules through its own runtime (a vm context), not Module._load: each module
 * it loads is handed to the same hooks here. Its test runner (jest-circus) runs inside that context,
 * where it cannot be patched, but it calls the test environment's handleTestEvent before each test
 * and hook function runs: the function is wrapped then, so the test runs as its own unit of work,
 * named by its full title; a beforeEach/afterEach hook runs in the unit of the test it serves.
 * (Concurrent tests, test.concurrent, are started before these events: they stay outside any test.)
 */
interface JestRuntime { getSourceMaps?: () => Map<string, string> | undefined }
/** The Jest runtime loading modules in this process (a Jest worker runs one test file at a time). */
let jestRuntime: JestRuntime | undefined;

function hookJestRuntime(exports: unknown): void {
  const Runtime = ((exports as { default?: unknown })?.default ?? exports) as { prototype?: Record<string, unknown> };
  const proto = Runtime?.prototype;
  const orig = proto?.requireModule as ((...a: unknown[]) => unknown) | undefined;
  if (!proto || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const requireModule = function (this: unknown, ...args: unknown[]): unknown {
    jestRuntime = this as JestRuntime;
    const exp = orig.apply(this, args);
    try {
      return typeof args[1] === 'string' ? onLoad(args[1], exp) : exp;
    } catch {
      return exp;
    }
  };
  (requireModule as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  proto.requireModule = requireModule;
}

const JEST_ORIG = Symbol.for('pg-lens.capture.jest.fn');
interface JestBlock { name?: string; parent?: JestBlock }
interface JestRunnable extends JestBlock { fn?: (...a: unknown[]) => unknown; type?: string; [JEST_ORIG]?: (...a: unknown[]) => unknown }
const jestUnits = new WeakMap<object, CaptureUnit>();

function jestTitle(t: JestBlock): string {
  const names: string[] = [];
  for (let b: JestBlock | undefined = t; b; b = b.parent) if (b.name && b.name !== 'ROOT_DESCRIBE_BLOCK') names.unshift(b.name);
  return names.join(' ');
}

function jestTestEvent(event: { name?: string; test?: JestRunnable; hook?: JestRunnable }, state: { currentlyRunningTest?: JestRunnable | null } | undefined): void {
  const wrap = (r: JestRunnable, test: JestRunnable) => {
    let unit = jestUnits.get(test);
    if (!unit) jestUnits.set(test, (unit = { k: 'test', id: `t${process.pid}-${++unitSeq}`, n: jestTitle(test).slice(0, 300) }));
    r[JEST_ORIG] ??= r.fn;
    if (typeof r[JEST_ORIG] === 'function') r.fn = inUnitFn(r[JEST_ORIG]!, unit);
  };
  if (event?.name === 'test_fn_start' && event.test) wrap(event.test, event.test);
  else if (event?.name === 'hook_start' && event.hook) {
    const test = state?.currentlyRunningTest;
    if (test && (event.hook.type === 'beforeEach' || event.hook.type === 'afterEach')) wrap(event.hook, test);
    else if (event.hook[JEST_ORIG]) event.hook.fn = event.hook[JEST_ORIG];
  }
}

function hookJestEnvironment(exports: unknown): void {
  const e = exports as { TestEnvironment?: { prototype?: Record<string, unknown> }; default?: { prototype?: Record<string, unknown> } };
  for (const cls of [e?.TestEnvironment, e?.default]) {
    const proto = cls?.prototype;
    if (!proto || typeof proto.getVmContext !== 'function') continue;
    const orig = proto.handleTestEvent as ((...a: unknown[]) => unknown) | undefined;
    if (orig && (orig as unknown as Record<symbol, boolean>)[WRAPPED]) continue;
    const handleTestEvent = function (this: unknown, ...args: unknown[]): unknown {
      try {
        jestTestEvent(args[0] as never, args[1] as never);
      } catch {
        // the test runs as it would, outside a unit
      }
      return orig?.apply(this, args);
    };
    (handleTestEvent as unknown as Record<symbol, boolean>)[WRAPPED] = true;
    proto.handleTestEvent = handleTestEvent;
  }
}

/**
 * Vitest runs each test file through its own module runner (ES modules), where the test function
 * cannot be wrapped; its worker keeps the running test in `globalThis.__vitest_worker__.current`.
 * A statement sent while a (non-concurrent) test runs belongs to that test's unit; its beforeEach and
 * afterEach hooks run with the test current, so they belong to it too. Concurrent tests
 * (test.concurrent) overlap: their statements stay outside any test rather than be mixed.
 */
interface VitestTask { type?: string; name?: string; concurrent?: boolean; suite?: VitestTask; file?: VitestTask; mode?: string }
const vitestUnits = new WeakMap<object, CaptureUnit>();
function vitestUnit(): CaptureUnit | undefined {
  const cur = (globalThis as { __vitest_worker__?: { current?: VitestTask } }).__vitest_worker__?.current;
  if (!cur || cur.type !== 'test' || cur.concurrent) return undefined;
  let unit = vitestUnits.get(cur);
  if (!unit) {
    const names: string[] = [];
    for (let t: VitestTask | undefined = cur; t && t.type !== undefined && t !== cur.file; t = t.suite) if (t.name) names.unshift(t.name);
    vitestUnits.set(cur, (unit = { k: 'test', id: `t${process.pid}-${++unitSeq}`, n: names.join(' > ').slice(0, 300) }));
  }
  return unit;
}

// ---- pg ----------------------------------------------------------------------------------------

interface Pending {
  sql: string;
  /** undefined until read from the stack; a LaterSite until its batch is written. */
  site: CaptureSite | LaterSite | null | undefined;
  unit: CaptureUnit;
  pc: number;
  /** The parameter types as JSON (an array of type names). */
  pt: string;
  /** The parameter values as JSON, encoded when sent (the app may change its objects afterwards). */
  pv?: string;
  /** Which parameters differ from this text's previous call (see paramsDiffer); undefined for its first call. */
  pd?: number;
  /** performance.now() when the statement was sent (a double: no BigInt per statement). */
  start: number;
  /** Set when it ends: */
  lib: string;
  /** The duration in whole microseconds (written as ms with 3 decimals: see msJson). */
  us: number;
  /** Date.now() when it ended. */
  ts: number;
  rows: number | undefined;
  err: string | undefined;
}

/** The JSON of one parameter's type, per type name (a handful). */
const ONE_TYPE = new Map<string, string>();
/** The JSON array of the first 100 parameters' type names (each a lowercase word: nothing to escape). */
function typesJson(values: unknown[]): string {
  const n = values.length < 100 ? values.length : 100;
  if (n === 0) return '[]';
  if (n === 1) {
    const t = paramType(values[0]);
    let j = ONE_TYPE.get(t);
    if (j === undefined) ONE_TYPE.set(t, (j = `["${t}"]`));
    return j;
  }
  let j = `["${paramType(values[0])}"`;
  for (let i = 1; i < n; i++) j += `,"${paramType(values[i])}"`;
  return j + ']';
}

/**
 * Per statement text, a 32-bit hash of each parameter of its last call (the first 31; see paramsDiffer): slots 0–30
 * the hashes, UNHASHED the parameters that have none (a plain object, a function: such a parameter counts as changed),
 * COUNT how many there were. No parameter value is kept (only these numbers), nothing is allocated per statement (the
 * text's array is updated in place), and memory is bounded: LAST_PARAMS_MAX texts and LAST_PARAMS_CHARS characters of
 * them.
 */
const lastParams = new Map<string, Int32Array>();
const LAST_PARAMS_MAX = 2000;
const LAST_PARAMS_CHARS = 4 * 1024 * 1024;
let lastParamsChars = 0;
const UNHASHED = 31;
const COUNT = 32;
/**
 * A string or byte sequence up to HASH_WHOLE units long is hashed whole; a longer one on its length, its first and
 * last HASH_ENDS units and HASH_ENDS units spread evenly between (the time per statement stays bounded: a 5000-character
 * parameter costs what a 128-character one does). Two long values alike at those places read as the same.
 */
const HASH_WHOLE = 128;
const HASH_ENDS = 32;
const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);

/** FNV-1a over a string's UTF-16 units (bounded: see HASH_WHOLE). */
function hashString(s: string, seed: number): number {
  const n = s.length;
  let h = Math.imul(0x811c9dc5 ^ seed, 0x01000193) ^ n;
  if (n <= HASH_WHOLE) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  }
  for (let i = 0; i < HASH_ENDS; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  const step = Math.floor((n - 2 * HASH_ENDS) / HASH_ENDS);
  for (let i = HASH_ENDS, k = 0; k < HASH_ENDS; i += step, k++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = n - HASH_ENDS; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** FNV-1a over a byte sequence (a Buffer, a typed array; bounded like a string: see HASH_WHOLE). */
function hashBytes(v: ArrayBufferView): number {
  const b = v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const n = b.length;
  let h = Math.imul(0x811c9dc5 ^ 7, 0x01000193) ^ n;
  if (n <= HASH_WHOLE) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i], 0x01000193);
    return h;
  }
  for (let i = 0; i < HASH_ENDS; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const step = Math.floor((n - 2 * HASH_ENDS) / HASH_ENDS);
  for (let i = HASH_ENDS, k = 0; k < HASH_ENDS; i += step, k++) h = Math.imul(h ^ b[i], 0x01000193);
  for (let i = n - HASH_ENDS; i < n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}

function hashNumber(v: number, seed: number): number {
  if ((v | 0) === v) return Math.imul(v ^ seed, 0x9e3779b1) ^ 0x5bd1e995;
  f64[0] = v;
  return Math.imul(f64Words[0] ^ Math.imul(f64Words[1] ^ seed, 0x85ebca6b), 0x9e3779b1);
}

/** A primitive's hash, or undefined for a value that has none here (an object). */
function hashPrimitive(v: unknown): number | undefined {
  switch (typeof v) {
    case 'number':
      return hashNumber(v, 1);
    case 'string':
      return hashString(v, 2);
    case 'boolean':
      return v ? 3 : 4;
    case 'undefined':
      return 5;
    case 'bigint':
      return hashString(v.toString(36), 6);
    case 'object':
      if (v === null) return 8;
      if (v instanceof Date) return hashNumber(v.getTime(), 9);
      return undefined;
    default:
      return undefined;
  }
}

/**
 * A parameter's hash, as pg would send it: a primitive, a Date, a Buffer or typed array (its bytes), an array of
 * such (its first 64 elements and its length). undefined for anything else (a JSON object, a value with
 * toPostgres): it counts as changed.
 */
function paramHash(v: unknown): number | undefined {
  const h = hashPrimitive(v);
  if (h !== undefined || typeof v !== 'object' || v === null) return h;
  if (ArrayBuffer.isView(v)) return hashBytes(v);
  if (Array.isArray(v)) {
    const n = v.length < 64 ? v.length : 64;
    let a = Math.imul(0x811c9dc5 ^ 10, 0x01000193) ^ v.length;
    for (let i = 0; i < n; i++) {
      const e = hashPrimitive(v[i]);
      if (e === undefined) return undefined;
      a = Math.imul(a ^ e, 0x01000193);
    }
    return a;
  }
  return undefined;
}

/**
 * Which parameters of a statement differ from the previous call of the same text in this process: bit i for $i+1
 * (of the first 31). It says which of a repeated look-up's conditions changes per item (`"parentID" = $2`) and which
 * stay the same (`"teamID" = $1`: person12 R3), without sending any value. undefined for a text's first call.
 * Compared by hash (see lastParams): two different values with one hash (about 1 in 4 billion, or two long strings
 * alike where they are sampled: see HASH_WHOLE) read as the same.
 */
function paramsDiffer(sql: string, values: readonly unknown[]): number | undefined {
  if (!values.length) return undefined;
  const n = values.length < 31 ? values.length : 31;
  let prev = lastParams.get(sql);
  let mask: number | undefined;
  let unhashed = 0;
  if (prev) {
    mask = 0;
    const prevCount = prev[COUNT];
    const prevUnhashed = prev[UNHASHED];
    for (let i = 0; i < n; i++) {
      const h = paramHash(values[i]);
      if (h === undefined) {
        unhashed |= 1 << i;
        mask |= 1 << i;
      } else {
        if (i >= prevCount || (prevUnhashed & (1 << i)) !== 0 || prev[i] !== (h | 0)) mask |= 1 << i;
        prev[i] = h;
      }
    }
  } else {
    if (lastParams.size >= LAST_PARAMS_MAX || lastParamsChars + sql.length > LAST_PARAMS_CHARS) {
      lastParams.clear();
      lastParamsChars = 0;
    }
    prev = new Int32Array(COUNT + 1);
    for (let i = 0; i < n; i++) {
      const h = paramHash(values[i]);
      if (h === undefined) unhashed |= 1 << i;
      else prev[i] = h;
    }
    lastParams.set(sql, prev);
    lastParamsChars += sql.length;
  }
  prev[UNHASHED] = unhashed;
  prev[COUNT] = n;
  return mask;
}

/**
 * The statement's record (its caller sets `start` when it hands it to the driver). Its site is left undefined when it must be read from the
 * stack: the caller reads it (one frame fewer for V8 to walk than reading it here).
 */
function begin(config: unknown, values: unknown, client: unknown): Pending | undefined {
  let sql: unknown = config;
  let vals: unknown = values;
  if (config && typeof config === 'object') {
    const c = config as { text?: unknown; values?: unknown; submit?: unknown };
    sql = c.text;
    if (Array.isArray(c.values)) vals = c.values;
  }
  if (typeof sql !== 'string') return undefined;
  const pooled = clientTag.value;
  let tag: PoolTag | undefined = pooled !== undefined && client !== undefined && client === pooled.client ? pooled : carriedNow.value;
  const store = tag ? undefined : als.getStore();
  // A TypeORM read's runner that carries its site (see typeormCarrier); an async context's own site (an
  // app hook's call inside that read) comes first.
  if (!tag && carryingRunners && !(store && store.site && (store.sticky || !store.siteUsed))) tag = carriedOnClient(client);
  let site: CaptureSite | LaterSite | null | undefined;
  if (tag) {
    site = tag.site;
  } else if (store && store.site && (store.sticky || !store.siteUsed)) {
    site = store.site;
    store.siteUsed = true;
  }
  const arr: unknown[] = Array.isArray(vals) ? vals : NO_VALUES;
  const text = sql.length > MAX_SQL_CHARS ? sql.slice(0, MAX_SQL_CHARS) : sql;
  return {
    sql: text,
    site,
    unit: routedUnit(tag?.unit ?? store?.unit ?? vitestUnit() ?? ROOT),
    pc: arr.length,
    pt: typesJson(arr),
    pv: sendValues ? JSON.stringify(arr.slice(0, 100).map((v) => (typeof v === 'string' && v.length > 200 ? v.slice(0, 200) + '…' : typeof v === 'bigint' ? String(v) : v))) : undefined,
    pd: paramsDiffer(text, arr),
    start: 0,
    lib: '',
    us: 0,
    ts: 0,
    rows: undefined,
    err: undefined,
  };
}
const NO_VALUES: unknown[] = [];

function rowsOfOne(r: unknown): number | undefined {
  const x = r as { rowCount?: number | null; rows?: unknown[] } | undefined;
  if (typeof x?.rowCount === 'number') return x.rowCount;
  return Array.isArray(x?.rows) ? x.rows.length : undefined;
}

function rowsOf(result: unknown): number | undefined {
  if (!Array.isArray(result)) return rowsOfOne(result);
  let n = 0;
  for (const r of result) n += rowsOfOne(r) ?? 0;
  return n;
}

/**
 * One event line, written by hand around cached JSON: the SQL text, the site and the unit repeat from
 * statement to statement (the same objects), so each is encoded once, not per statement.
 */
const jsonOf = new WeakMap<object, string>();
const sqlJson = new Map<string, string>();
const MAX_SQL_JSON = 2000;
function objJson(o: object): string {
  let j = jsonOf.get(o);
  if (j === undefined) jsonOf.set(o, (j = JSON.stringify(o)));
  return j;
}
function sqlJsonOf(sql: string): string {
  let j = sqlJson.get(sql);
  if (j === undefined) {
    j = JSON.stringify(sql);
    if (sqlJson.size >= MAX_SQL_JSON) sqlJson.clear();
    sqlJson.set(sql, j);
  }
  return j;
}
/** The start of each event line, per driver name. */
const heads = new Map<string, string>();
function headOf(lib: string): string {
  let h = heads.get(lib);
  if (h === undefined) heads.set(lib, (h = `{"v":${CAPTURE_PROTOCOL},"t":"q","lib":${JSON.stringify(lib)},"pid":${process.pid},"sql":`));
  return h;
}

/** The statement ended: its duration, rows or error are taken now; the line is written with its batch. */
function end(p: Pending, result: unknown, error: unknown, lib: string): void {
  try {
    p.us = Math.round((performance.now() - p.start) * 1000);
    p.ts = Date.now();
    p.lib = lib;
    if (error) {
      const e = error as { message?: string; code?: string };
      p.err = `${e.code ? e.code + ' ' : ''}${String(e.message ?? error)}`.slice(0, 500);
    } else p.rows = rowsOf(result);
    if (sockPath) enqueue(p);
    else {
      const line = lineOf(p);
      if (line) sendLine(line);
    }
  } catch {
    // never fail the app
  }
}

/**
 * A duration given in whole microseconds, as JSON milliseconds with up to 3 decimals ("0.430" is 0.43): the
 * same number `String(us / 1000)` writes, without V8's shortest-double conversion (Grisu), which a profile of
 * the batch showed as its largest single cost with the time stamp's (below).
 */
function msJson(us: number): string {
  if (!(us >= 0 && us < 2 ** 31)) return String(us / 1000);
  const whole = (us / 1000) | 0;
  const frac = us - whole * 1000;
  return frac === 0 ? `${whole}` : `${whole}${frac < 10 ? '.00' : frac < 100 ? '.0' : '.'}${frac}`;
}
/**
 * A Date.now() as JSON: its millions (the same for 16 minutes: written once) and the rest padded to six
 * digits, two small integers V8 writes without its conversion of a double above 2^31.
 */
let tsHigh = -1;
let tsHighJson = '';
function tsJson(ts: number): string {
  const high = Math.floor(ts / 1e6);
  if (!(high > 0 && high < 2 ** 31 && Number.isInteger(ts))) return String(ts);
  if (high !== tsHigh) {
    tsHigh = high;
    tsHighJson = String(high);
  }
  const low = ts - high * 1e6;
  return `${tsHighJson}${low >= 100000 ? '' : low >= 10000 ? '0' : low >= 1000 ? '00' : low >= 100 ? '000' : low >= 10 ? '0000' : '00000'}${low}`;
}

/** One event line (empty if it cannot be encoded). */
function lineOf(p: Pending): string {
  try {
    let line = `${headOf(p.lib)}${sqlJsonOf(p.sql)},"pc":${p.pc},"pt":${p.pt},"ms":${msJson(p.us)},"u":${objJson(p.unit)},"ts":${tsJson(p.ts)}`;
    const site = p.site instanceof LaterSite ? p.site.site() : p.site;
    if (site) line += `,"site":${objJson(site)}`;
    if (p.pv !== undefined) line += `,"pv":${p.pv}`;
    if (p.pd !== undefined) line += `,"pd":${p.pd}`;
    if (p.err !== undefined) line += `,"err":${JSON.stringify(p.err)}`;
    else if (p.rows !== undefined) line += `,"rows":${p.rows}`;
    return line + '}\n';
  } catch {
    return '';
  }
}

/**
 * On the socket a statement is a small record naming its text, site and unit by number (CaptureDecoder,
 * src/core/record/protocol.ts): each is defined by a line of its own the first time a batch sends it, so
 * the SQL text, the file path and the unit's name are encoded and written once, not per statement (a
 * record is ~70 bytes; the whole line was ~300 — the batch's encoding and the socket's copy scale with them).
 * Numbers are never reused; past MAX_DEFINITIONS (or 4 M characters of SQL text), or when a batch is dropped, everything is forgotten, the
 * listener told so (`dx`), and defined again as it comes: memory stays bounded on both ends.
 */
const MAX_DEFINITIONS = 4096;
/** Characters of SQL text the definitions hold (bounded like the queue: each text may be up to MAX_SQL_CHARS). */
let definedChars = 0;
let definitions = 0;
let lastId = 0;
let forgetSent = true;
/** Statement ids by driver, parameter types (the same cached strings) and SQL text. */
const statementIds = new Map<string, Map<string, Map<string, number>>>();
const siteIds = new Map<CaptureSite, number>();
const unitIds = new Map<CaptureUnit, number>();

function forgetDefinitions(): void {
  statementIds.clear();
  siteIds.clear();
  unitIds.clear();
  definitions = 0;
  definedChars = 0;
  forgetSent = false;
}

/** The statement's record line, after the definition lines it needs (empty if it cannot be encoded). */
function recordOf(p: Pending): string {
  try {
    if (definitions >= MAX_DEFINITIONS || definedChars > MAX_BUFFER_BYTES) forgetDefinitions();
    let defs = '';
    if (!forgetSent) {
      defs = '{"t":"dx"}\n';
      forgetSent = true;
    }
    let byTypes = statementIds.get(p.lib);
    if (byTypes === undefined) statementIds.set(p.lib, (byTypes = new Map()));
    let bySql = byTypes.get(p.pt);
    if (bySql === undefined) byTypes.set(p.pt, (bySql = new Map()));
    let q = bySql.get(p.sql);
    if (q === undefined) {
      bySql.set(p.sql, (q = ++lastId));
      definitions++;
      definedChars += p.sql.length;
      defs += `{"t":"dq","i":${q},"lib":${JSON.stringify(p.lib)},"pid":${process.pid},"sql":${JSON.stringify(p.sql)},"pt":${p.pt},"pc":${p.pc}}\n`;
    }
    let u = unitIds.get(p.unit);
    if (u === undefined) {
      unitIds.set(p.unit, (u = ++lastId));
      definitions++;
      defs += `{"t":"du","i":${u},"u":${JSON.stringify(p.unit)}}\n`;
    }
    let line = `{"t":"r","q":${q},"u":${u},"ms":${msJson(p.us)},"ts":${tsJson(p.ts)}`;
    const site = p.site instanceof LaterSite ? p.site.site() : p.site;
    if (site) {
      let s = siteIds.get(site);
      if (s === undefined) {
        siteIds.set(site, (s = ++lastId));
        definitions++;
        defs += `{"t":"ds","i":${s},"site":${JSON.stringify(site)}}\n`;
      }
      line += `,"s":${s}`;
    }
    // The types list stops at 100: a longer statement's count is its own.
    if (p.pc > 100) line += `,"pc":${p.pc}`;
    if (p.pv !== undefined) line += `,"pv":${p.pv}`;
    if (p.pd !== undefined) line += `,"pd":${p.pd}`;
    if (p.err !== undefined) line += `,"err":${JSON.stringify(p.err)}`;
    else if (p.rows !== undefined) line += `,"rows":${p.rows}`;
    return defs + line + '}\n';
  } catch {
    // A definition made above may be in no line sent: define everything again.
    forgetDefinitions();
    return '';
  }
}

/**
 * The arguments with the one at `i` replaced, as a new array: a wrapper's own rest array is never written to and
 * handed on. Writing a callback into it and passing it to the driver's call made V8 promote ~400–600 bytes per
 * statement to the old generation (Sequelize's findByPk, `--trace-gc-nvp`: 23 bytes per query without the capture,
 * 392–596 with the write, 24 with a copy), so each scavenge copied more and the old generation filled with garbage.
 */
function withArg(args: unknown[], i: number, v: unknown): unknown[] {
  const a = args.slice();
  a[i] = v;
  return a;
}

function wrapClientQuery(proto: { query: (...a: unknown[]) => unknown }, lib: string): void {
  if (!proto || typeof proto.query !== 'function' || (proto.query as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const orig = proto.query;
  const query = function (this: unknown, ...args: unknown[]): unknown {
    /** The statement's record, made after the driver's call (see below). */
    let p: Pending | undefined;
    let start: number;
    try {
      const cfg = args[0] as { submit?: unknown; callback?: unknown; text?: unknown } | undefined;
      // Submittables (cursors, streams) and config.callback: the app owns their events; not timed.
      if (!(typeof cfg === 'string' || (cfg && typeof cfg === 'object' && typeof cfg.text === 'string' && typeof cfg.submit !== 'function' && typeof cfg.callback !== 'function'))) return orig.apply(this, args);
      // Timed from here: the driver's call alone.
      start = performance.now();
    } catch {
      return orig.apply(this, args);
    }
    const last = args.length - 1;
    let out: unknown;
    // The statement ends (and these are called) in a later turn at the earliest: p is made by then. Were
    // it not, the statement would go unrecorded, never recorded wrong.
    if (last >= 0 && typeof args[last] === 'function') {
      const cb = args[last] as (err: unknown, res: unknown) => unknown;
      const ended = function (this: unknown, err: unknown, res: unknown) {
        if (p) end(p, res, err, lib);
        return cb.call(this, err, res);
      };
      out = orig.apply(this, withArg(args, last, ended));
    } else {
      const result = orig.apply(this, args) as { then?: (a: unknown, b: unknown) => unknown } | undefined;
      // The promise the app gets settles exactly as the driver's does (same value, same error).
      out =
        result && typeof result.then === 'function'
          ? result.then(
              (res: unknown) => {
                if (p) end(p, res, undefined, lib);
                return res;
              },
              (err: unknown) => {
                if (p) end(p, undefined, err, lib);
                throw err;
              },
            )
          : result;
    }
    // The statement is on its way (pg wrote it to the socket in the call above), and nothing of the
    // app's has run since: the record made now is the one made before the call (pg reads the app's text
    // and values, never changes them), and the app's frames above this one are still those that called
    // it, so the line read now is the line read before. This work then overlaps the server's instead of
    // delaying the statement. Read in this frame (see readStart).
    try {
      const rec = begin(args[0], Array.isArray(args[1]) ? args[1] : undefined, this);
      if (rec) {
        rec.start = start;
        if (rec.site === undefined) {
          readStart(NEAR_FRAMES);
          try {
            Error.captureStackTrace(holder, query);
          } finally {
            rec.site = nearSiteRead(query);
          }
        }
        p = rec;
      }
    } catch {
      p = undefined;
    }
    return out;
  };
  proto.query = standIn(query, orig);
}

/**
 * Pool#query hands the statement to a client later (after connect, in whatever order the pool's
 * connections come up or are released): the call site and unit are taken where the app called
 * Pool#query and ride on the connect callback pg-pool passes, which calls client.query synchronously:
 * for that synchronous call only, that client's Client#query takes them (no property is written on the
 * client: adding and deleting one per statement costs V8 more). So
 * two identical statements queued at once can never take each other's line or unit, whichever
 * client runs first — and no AsyncLocalStorage is entered for it (that would turn on async hooks for
 * the rest of the process, the largest cost per query).
 */
interface PoolTag {
  site: CaptureSite | LaterSite | null;
  unit: CaptureUnit;
  /** The client pg-pool handed to the Pool#query's connect callback (that client's query takes the tag). */
  client?: object;
}

/**
 * A value set only while a library's method runs synchronously (a tag the driver's call it makes takes):
 * `run` sets it, calls the method and puts the value before back, whatever the method does.
 */
class Slot<T> {
  value: T | undefined = undefined;
  run(v: T, orig: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
    const saved = this.value;
    this.value = v;
    try {
      return orig.apply(self, args);
    } finally {
      this.value = saved;
    }
  }
}
/** Set while Pool#query runs: the connect it calls takes it. */
const poolTag = new Slot<PoolTag>();
/** Set while pg-pool's connect callback runs: the tag its client's query takes. */
const clientTag = new Slot<PoolTag>();

function wrapPoolQuery(proto: { query: (...a: unknown[]) => unknown }): void {
  if (!proto || typeof proto.query !== 'function' || (proto.query as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const orig = proto.query;
  const query = function (this: unknown, ...args: unknown[]): unknown {
    let tag: PoolTag | undefined;
    try {
      const outer = als.getStore();
      // Inside an ORM entry its site holds for every statement it sends.
      let site: CaptureSite | LaterSite | null;
      if (outer?.sticky && outer.site) site = outer.site;
      else {
        // Read in this frame (see readStart).
        readStart(NEAR_FRAMES);
        try {
          Error.captureStackTrace(holder, query);
        } finally {
          site = nearSiteRead(query);
        }
      }
      tag = { site, unit: outer?.unit ?? vitestUnit() ?? ROOT, client: undefined };
    } catch {
      tag = undefined;
    }
    return tag ? poolTag.run(tag, orig, this, args) : orig.apply(this, args);
  };
  proto.query = standIn(query, orig);
}

function wrapPoolConnect(proto: { connect: (...a: unknown[]) => unknown }): void {
  if (!proto || typeof proto.connect !== 'function' || (proto.connect as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const orig = proto.connect;
  const connect = function (this: unknown, ...args: unknown[]): unknown {
    const tag = poolTag.value;
    // Only the connect of a Pool#query, and only once.
    poolTag.value = undefined;
    const cb = args[0] as (...a: unknown[]) => unknown;
    if (!tag || typeof cb !== 'function') return orig.apply(this, args);
    const tagged = function (this: unknown, ...a: unknown[]): unknown {
      const client = a[1];
      if (!client || typeof client !== 'object') return cb.apply(this, a);
      tag.client = client;
      return clientTag.run(tag, cb, this, a);
    };
    return orig.apply(this, withArg(args, 0, tagged));
  };
  proto.connect = standIn(connect, orig);
}

function hookPg(exports: unknown): void {
  const pg = exports as { Client?: { prototype: { query: (...a: unknown[]) => unknown } }; Pool?: { prototype: { query: (...a: unknown[]) => unknown } } };
  // Never touch pg.native (a getter that loads pg-native).
  const client = Object.getOwnPropertyDescriptor(pg, 'Client')?.value as typeof pg.Client;
  const pool = Object.getOwnPropertyDescriptor(pg, 'Pool')?.value as typeof pg.Pool;
  if (client?.prototype) wrapClientQuery(client.prototype, 'pg');
  if (pool?.prototype) {
    wrapPoolQuery(pool.prototype);
    wrapPoolConnect(pool.prototype as never);
  }
}

// ---- ORMs and query builders -------------------------------------------------------------------
// An ORM sends its statements after awaits of its own (connection, hooks), where the app's frame is
// no longer on the stack. Its public methods are entered synchronously from the app's line, so
// the call site is taken there and carried to the driver in the async context.

let entryDepth = 0;

/**
 * How an ORM call outside any async context (a script's, not a request's or a test's) takes its site to
 * the statements it sends without entering an AsyncLocalStorage (on Node 20 entering one turns async hooks
 * on for every promise of the process from then on: docs/recording.md). `found`: the site an outer call
 * of the ORM's already carries to this one (its own later call, after an await); `can`: whether this call
 * can carry one; `run`: the call, carrying it. `everywhere`: the call carries its site and unit inside an async
 * context too, because the library's own promises may run its later steps outside that context (Sequelize ≤ 5's
 * Bluebird runs every callback queued in one drain in the context of the call that scheduled the drain, so a
 * request's statements could run in another request's context, or in none).
 */
interface Carrier {
  found(self: unknown, args: unknown[]): Carried | undefined;
  can(self: unknown, args: unknown[]): boolean;
  run(carry: Carried, orig: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown;
  everywhere?: boolean;
}

/**
 * funnel: the method the ORM's own methods send every statement through (Sequelize#query), also
 * called by the app for raw SQL. Called inside an ORM call's flow, it is the ORM's own call unless the
 * app's code is the nearest frame (a hook of the app's sending raw SQL): the deeper stack is
 * not read, as it would be for a model method (an app hook's association getter reaches findAll
 * through two of the ORM's frames).
 */
function wrapEntry(owner: Record<string, unknown> | undefined, name: string, via: string, funnel = false, carrier?: Carrier): void {
  const orig = owner?.[name] as ((...a: unknown[]) => unknown) | undefined;
  if (!owner || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const entry = function (this: unknown, ...args: unknown[]): unknown {
    // Nested entries (findAll inside an association getter) keep the outer call's site.
    if (entryDepth > 0) return orig.apply(this, args);
    // The site an ORM call outside any async context carries to this one (see Carrier).
    let carried: Carried | undefined;
    try {
      carried = carrier?.found(this, args);
    } catch {
      carried = undefined;
    }
    if (funnel) hookSequelizeRun(this);
    // The ORM's own call of its funnel from its query interface, inside an ORM call: that call's site holds
    // (a read would find the library's frame and read no deeper: the same site, one stack read dearer).
    if (funnel && libraryDepth > 0) {
      if (carried) return orig.apply(this, args);
      try {
        const outer = als.getStore();
        if (outer?.sticky === true && outer.site) return orig.apply(this, args);
      } catch {
        // read as below
      }
    }
    let store: Store | undefined;
    let carry: Carried | undefined;
    try {
      // Entered again later in an ORM call's own async flow (Sequelize's query after its awaits): the
      // outer call's site, taken where the app's code made that call, holds — unless the app's code is
      // on the stack now (a hook or callback of the app's calling the ORM), which then has the line.
      // An async frame is only where an app function awaits the outer call: less exact, not used.
      const outer = als.getStore();
      const inner = (outer?.sticky === true && !!outer.site) || carried !== undefined;
      // Read in this frame (see readStart): an ORM's statements pass through here twice (its call, its funnel).
      let site: CaptureSite | LaterSite | null;
      readStart(NEAR_FRAMES);
      try {
        Error.captureStackTrace(holder, entry);
      } finally {
        site = nearSiteRead(entry, via, inner, inner && funnel);
      }
      if (site) {
        // No async context open (a script's call, not a request's or a test's), or a library whose promises may
        // leave it (`everywhere`): the site rides with the call (see Carrier), and no AsyncLocalStorage is entered.
        if ((outer === undefined || carrier?.everywhere === true) && carrier?.can(this, args)) carry = new Carried(site, currentUnit());
        else store = { unit: currentUnit(), site, sticky: true };
      }
    } catch {
      store = undefined;
      carry = undefined;
    }
    if (!carry && !store) return orig.apply(this, args);
    entryDepth++;
    try {
      return carry ? carrier!.run(carry, orig, this, args) : als.run(store!, () => orig.apply(this, args));
    } finally {
      entryDepth--;
    }
  };
  owner[name] = standIn(entry, orig);
}

/**
 * An ORM call's site and unit, carried to the statements it sends (see Carrier). A class, not a plain
 * object: Sequelize deep-clones the options it passes down (plain objects only), and the site's and
 * unit's identity is kept.
 */
class Carried implements PoolTag {
  /** TypeORM: whether the call's runner took it (see typeormCarrier). */
  taken = false;
  constructor(
    readonly site: CaptureSite | LaterSite | null,
    readonly unit: CaptureUnit,
  ) {}
}
const CARRIED = Symbol('pg-lens.capture.carried');
/** Set while a Query#run that carries an ORM call's site runs synchronously: the driver's call it makes takes it. */
const carriedNow = new Slot<Carried>();

function carriedIn(options: unknown): Carried | undefined {
  try {
    const c = options && typeof options === 'object' ? (options as Record<symbol, unknown>)[CARRIED] : undefined;
    return c instanceof Carried ? c : undefined;
  } catch {
    // an options object of the app's that throws when read (a Proxy): nothing carried
    return undefined;
  }
}

function carriable(options: unknown): boolean {
  if (options === undefined) return true;
  if (!options || typeof options !== 'object') return false;
  const proto = Object.getPrototypeOf(options) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Sequelize: the site rides on the options object the ORM passes down to its funnel and on to the
 * statement's runner (the finder's options → Sequelize#query → its dialect's Query, whose run() calls the
 * driver synchronously: see hookSequelizeRun). Only the reads carry (`carries`): they deep-clone options
 * they may be given none of (`|| {}`), and only where the app passed none or a plain object of its own,
 * which is copied, never changed. Every method looks for a carried site where it takes its options. It carries in
 * a request's or a test's context too (`everywhere`): Sequelize 5's promises are Bluebird's.
 */
function optionsCarrier(at: number, carries: boolean): Carrier {
  return {
    everywhere: true,
    found: (_self, args) => carriedIn(args[at]),
    can: (_self, args) => carries && carriable(args[at]),
    run: (carry, orig, self, args) => {
      return orig.apply(self, withArg(args, at, { ...(args[at] as object | undefined), [CARRIED]: carry }));
    },
  };
}

/** Sequelize instances whose dialect's Query#run is hooked (looked at once per instance, not per statement). */
const sequelizeSeen = new WeakSet<object>();

/** Sequelize's dialect Query#run (reached from Sequelize#query, per instance's dialect): see optionsCarrier. */
function hookSequelizeRun(sequelize: unknown): void {
  try {
    if (!sequelize || typeof sequelize !== 'object' || sequelizeSeen.has(sequelize)) return;
    sequelizeSeen.add(sequelize);
    const proto = (sequelize as { dialect?: { Query?: { prototype?: Record<string, unknown> } } }).dialect?.Query?.prototype;
    const orig = proto?.run as ((...a: unknown[]) => unknown) | undefined;
    if (!proto || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
    const run = function (this: { options?: unknown }, ...args: unknown[]): unknown {
      const tag = carriedIn(this?.options);
      return tag ? carriedNow.run(tag, orig, this, args) : orig.apply(this, args);
    };
    proto.run = standIn(run, orig);
  } catch {
    // not hooked: the statements are read at the driver
  }
}

/**
 * TypeORM: a read (find…, count…, exists…, a select query builder's get…) on a manager, repository or
 * builder without a query runner of its own makes one, synchronously, at its start
 * (`obtainQueryRunner` → DataSource#createQueryRunner): that runner is made while the call carries its
 * site (`creatingRunner`), and keeps it (`runnerTags`). The runner holds one pg client from its connect
 * to its release (pg-pool lends a client to one holder at a time), so a statement on a client that a
 * carrying runner holds now (its driver's connectedQueryRunners) is that call's. TypeORM's own later
 * calls on that runner (relations loaded after an await) find the site there and keep it. Writes
 * (save, insert, …) make their runner after an await, and a call on a runner the app made (a
 * transaction) may share it with other calls: those enter an async context as before.
 */
const TYPEORM_CARRIES = new Set(['find', 'findBy', 'findByIds', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy', 'count', 'countBy', 'exists', 'existsBy', 'getMany', 'getOne', 'getOneOrFail', 'getRawMany', 'getRawOne', 'getRawAndEntities', 'getManyAndCount', 'getCount', 'getExists']);
interface TypeormRunner { databaseConnection?: unknown; driver?: { connectedQueryRunners?: unknown[] } }
const runnerTags = new WeakMap<object, Carried>();
/** Set while a carrying TypeORM read runs synchronously: the query runner it makes takes it. */
const creatingRunner = new Slot<Carried>();
/** The drivers of carrying runners (their connectedQueryRunners are looked through): a handful at most. */
const runnerDrivers = new Set<{ connectedQueryRunners?: unknown[] }>();
/** Whether any TypeORM call has carried its site on a runner (until then begin() looks for none). */
let carryingRunners = false;

/** The query runner a TypeORM manager, repository or builder runs on when the app gave it one. */
function ownRunnerOf(self: unknown): object | undefined {
  const x = self as { queryRunner?: unknown; manager?: { queryRunner?: unknown } } | undefined;
  const r = x?.queryRunner ?? x?.manager?.queryRunner;
  return r && typeof r === 'object' ? r : undefined;
}

function typeormCarrier(name: string, cls: string): Carrier {
  // Only a select builder's get… reads; the other builders' execute writes.
  let carries = TYPEORM_CARRIES.has(name) && (cls !== 'InsertQueryBuilder' && cls !== 'UpdateQueryBuilder' && cls !== 'DeleteQueryBuilder' && cls !== 'SoftDeleteQueryBuilder');
  return {
    found: (self) => {
      const r = carryingRunners ? ownRunnerOf(self) : undefined;
      return r && runnerTags.get(r);
    },
    can: (self) => carries && ownRunnerOf(self) === undefined,
    run: (carry, orig, self, args) => {
      try {
        return creatingRunner.run(carry, orig, self, args);
      } finally {
        // A read that made no runner at its start (another TypeORM version): its statements went without
        // the site; from now on this method enters an async context instead.
        if (!carry.taken) carries = false;
      }
    },
  };
}

/** DataSource#createQueryRunner: a runner made inside a carrying read takes its site (see typeormCarrier). */
function hookTypeormRunnerMaker(proto: Record<string, unknown> | undefined): void {
  const orig = proto?.createQueryRunner as ((...a: unknown[]) => unknown) | undefined;
  if (!proto || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const createQueryRunner = function (this: unknown, ...args: unknown[]): unknown {
    const runner = orig.apply(this, args);
    try {
      const carry = creatingRunner.value;
      const driver = (runner as TypeormRunner | undefined)?.driver;
      // Only the first runner the call makes (its obtainQueryRunner); past 16 data sources, no more drivers are
      // looked through (the call then goes without the line once, and that method uses the async context).
      if (carry && runner && typeof runner === 'object' && driver && Array.isArray(driver.connectedQueryRunners) && (runnerDrivers.has(driver) || runnerDrivers.size < 16)) {
        creatingRunner.value = undefined;
        carry.taken = true;
        runnerTags.set(runner, carry);
        runnerDrivers.add(driver);
        carryingRunners = true;
      }
    } catch {
      // the runner's statements are read at the driver
    }
    return runner;
  };
  proto.createQueryRunner = standIn(createQueryRunner, orig);
}

/** The site a carrying TypeORM runner that holds this pg client now carries (see typeormCarrier). */
function carriedOnClient(client: unknown): Carried | undefined {
  if (client === undefined) return undefined;
  for (const d of runnerDrivers) {
    const runners = d.connectedQueryRunners;
    if (!Array.isArray(runners)) continue;
    for (const r of runners) if ((r as TypeormRunner | undefined)?.databaseConnection === client) return runnerTags.get(r as object);
  }
  return undefined;
}

/** A wrapper put in a library method's place: marked as ours (never wrapped twice), with the method's name and arity. */
function standIn<F extends (...a: never[]) => unknown>(wrapper: F, orig: (...a: never[]) => unknown): F {
  (wrapper as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  try {
    Object.defineProperty(wrapper, 'name', { value: orig.name });
    Object.defineProperty(wrapper, 'length', { value: orig.length });
  } catch {
    // cosmetic only
  }
  return wrapper;
}

/**
 * Set while a method of the ORM's query interface runs synchronously (Sequelize's QueryInterface, which
 * its models call for every statement they send, and which calls the funnel before its first await).
 * Only the library's own code runs there (the SQL generator); the app's hooks run from the model's
 * methods, never inside it.
 */
let libraryDepth = 0;
function markLibrary(owner: Record<string, unknown> | undefined): void {
  if (!owner) return;
  for (const name of Object.getOwnPropertyNames(owner)) {
    if (name === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(owner, name);
    const orig = d?.value as ((...a: unknown[]) => unknown) | undefined;
    if (typeof orig !== 'function' || !d?.writable || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) continue;
    const marked = function (this: unknown, ...args: unknown[]): unknown {
      libraryDepth++;
      try {
        return orig.apply(this, args);
      } finally {
        libraryDepth--;
      }
    };
    owner[name] = standIn(marked, orig);
  }
}

const SEQUELIZE_STATIC = ['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'count', 'aggregate', 'max', 'min', 'sum', 'create', 'bulkCreate', 'update', 'destroy', 'restore', 'upsert', 'findOrCreate', 'findCreateFind', 'increment', 'decrement', 'truncate'];
/**
 * Where each Sequelize method takes its options: an ORM call's carried site is found there when the
 * ORM calls another of its methods after an await (count's aggregate: that call's site holds, as an
 * async context's does). Only the reads (which deep-clone options they may be given none of, `|| {}`)
 * put the site there themselves (see Carried); the others enter an async context as before.
 */
const SEQUELIZE_OPTIONS_AT: Record<string, number | undefined> = {
  findAll: 0, findOne: 0, findByPk: 1, findAndCountAll: 0, count: 0, aggregate: 2, max: 1, min: 1, sum: 1, create: 1, bulkCreate: 1, update: 1, destroy: 0,
  restore: 0, upsert: 1, findOrCreate: 0, findCreateFind: 0, increment: 1, decrement: 1, truncate: 0,
};
const SEQUELIZE_CARRIES = new Set(['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'count', 'aggregate', 'max', 'min', 'sum']);
const SEQUELIZE_INSTANCE_OPTIONS_AT: Record<string, number | undefined> = { save: 0, reload: 0, destroy: 0, update: 1, increment: 1, decrement: 1, restore: 0 };
const SEQUELIZE_INSTANCE = ['save', 'reload', 'destroy', 'update', 'increment', 'decrement', 'restore'];
const TYPEORM_MANAGER = ['find', 'findBy', 'findByIds', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy', 'count', 'countBy', 'exists', 'existsBy', 'save', 'insert', 'update', 'upsert', 'delete', 'remove', 'softDelete', 'restore', 'increment', 'decrement', 'query', 'sum', 'average', 'minimum', 'maximum', 'preload', 'clear'];
const TYPEORM_QB = ['getMany', 'getOne', 'getOneOrFail', 'getRawMany', 'getRawOne', 'getRawAndEntities', 'getManyAndCount', 'getCount', 'getExists', 'execute', 'stream'];

function hookSequelize(exports: unknown): void {
  const sq = exports as { Model?: Record<string, unknown> & { prototype: Record<string, unknown> }; Sequelize?: { prototype: Record<string, unknown> }; QueryInterface?: { prototype: Record<string, unknown> } };
  const model = sq?.Model;
  if (!model?.prototype) return;
  const carrier = (at: number | undefined, carries: boolean) => (at === undefined ? undefined : optionsCarrier(at, carries));
  for (const m of SEQUELIZE_STATIC) wrapEntry(model, m, 'sequelize', false, carrier(SEQUELIZE_OPTIONS_AT[m], SEQUELIZE_CARRIES.has(m)));
  for (const m of SEQUELIZE_INSTANCE) wrapEntry(model.prototype, m, 'sequelize', false, carrier(SEQUELIZE_INSTANCE_OPTIONS_AT[m], false));
  if (sq.Sequelize?.prototype) wrapEntry(sq.Sequelize.prototype, 'query', 'sequelize', true, optionsCarrier(1, true));
  markLibrary(sq.QueryInterface?.prototype);
}

function hookTypeorm(exports: unknown): void {
  const t = exports as Record<string, { prototype?: Record<string, unknown> } | undefined>;
  for (const cls of ['EntityManager', 'Repository', 'TreeRepository']) for (const m of TYPEORM_MANAGER) wrapEntry(t[cls]?.prototype, m, 'typeorm', false, typeormCarrier(m, cls));
  for (const cls of ['SelectQueryBuilder', 'InsertQueryBuilder', 'UpdateQueryBuilder', 'DeleteQueryBuilder', 'SoftDeleteQueryBuilder']) for (const m of TYPEORM_QB) wrapEntry(t[cls]?.prototype, m, 'typeorm', false, typeormCarrier(m, cls));
  // TypeORM 0.2 has no DataSource: its Connection runs raw queries and makes the query runners (0.3 keeps Connection as
  // DataSource's deprecated subclass, whose inherited methods are wrapped already).
  for (const cls of ['DataSource', 'Connection']) {
    wrapEntry(t[cls]?.prototype, 'query', 'typeorm', false, typeormCarrier('query', cls));
    hookTypeormRunnerMaker(t[cls]?.prototype);
  }
}

/** TypeORM's lazy relations load when the property is read (`await post.author`). */
function hookTypeormRelationLoader(exports: unknown): void {
  const cls = (exports as { RelationLoader?: { prototype?: Record<string, unknown> } })?.RelationLoader;
  wrapEntry(cls?.prototype, 'load', 'typeorm');
}

const KNEX_SITE = Symbol.for('pg-lens.capture.site');

/**
 * Query builders (Knex, Objection) run when awaited (`then`), after the app's frame is gone: the
 * site is taken where the app makes the builder and read back where the builder runs.
 */
function wrapMaker(owner: Record<string, unknown> | undefined, name: string, via: string): void {
  const orig = owner?.[name] as ((...a: unknown[]) => unknown) | undefined;
  if (!owner || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const made = function (this: unknown, ...args: unknown[]): unknown {
    const b = orig.apply(this, args);
    try {
      // Builders an ORM makes while it runs (inside an entry) belong to the ORM call's site.
      if (b && typeof b === 'object' && entryDepth === 0 && !als.getStore()?.sticky && !(b as Record<symbol, unknown>)[KNEX_SITE]) {
        const site = callSite(made, via);
        (b as Record<symbol, unknown>)[KNEX_SITE] = site;
      }
    } catch {
      // no site
    }
    return b;
  };
  (made as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  owner[name] = made;
}

/**
 * The site and unit a Knex runner's statements take (see wrapRunnerQuery), set when it starts to run: in the call's own
 * context, while its later steps may run in another (Knex before 0.95 runs them on Bluebird's promises, which run every
 * callback queued in one drain in the context of the call that scheduled the drain).
 */
const RUN_TAG = Symbol('pg-lens.capture.runTag');

function wrapRunner(owner: Record<string, unknown> | undefined, name: string, builderOf: (self: unknown) => unknown): void {
  const orig = owner?.[name] as ((...a: unknown[]) => unknown) | undefined;
  if (!owner || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const run = function (this: unknown, ...args: unknown[]): unknown {
    let site: CaptureSite | null | undefined;
    let outer: Store | undefined;
    try {
      site = (builderOf(this) as Record<symbol, CaptureSite | null> | undefined)?.[KNEX_SITE];
      outer = als.getStore();
      // An ORM call's site (Objection's builder running Knex's) holds; else the builder's own.
      const tag = outer?.sticky && outer.site ? new Carried(outer.site, outer.unit) : site ? new Carried(site, currentUnit()) : undefined;
      if (tag && this && typeof this === 'object') (this as Record<symbol, unknown>)[RUN_TAG] = tag;
    } catch {
      site = undefined;
    }
    return site && !outer?.sticky ? als.run({ unit: currentUnit(), site, sticky: true }, () => orig.apply(this, args)) : orig.apply(this, args);
  };
  (run as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  owner[name] = run;
}

function hookKnexClient(Client: unknown): void {
  const proto = (Client as { prototype?: Record<string, unknown> })?.prototype;
  for (const name of ['queryBuilder', 'raw', 'schemaBuilder']) wrapMaker(proto, name, 'knex');
  hookKnexRunnerMaker(proto);
}

/**
 * Every Knex version makes its runner through the client (`client.runner(builder)` → `new Runner(client, builder)`),
 * wherever the Runner's module lives (lib/runner.js before 0.95, lib/execution/runner.js since; a bundled or aliased
 * copy): the first runner made hooks its class, so no Knex version depends on a module path — the one way the Runner is
 * hooked (it is hooked before its first run: `run` is read from its class when called).
 */
function hookKnexRunnerMaker(proto: Record<string, unknown> | undefined): void {
  const orig = proto?.runner as ((...a: unknown[]) => unknown) | undefined;
  if (!proto || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const runner = function (this: unknown, ...args: unknown[]): unknown {
    const r = orig.apply(this, args);
    try {
      const cls = r && typeof r === 'object' ? Object.getPrototypeOf(r) as { constructor?: unknown } | null : null;
      if (cls && 'builder' in (r as object)) hookKnexRunner(cls.constructor);
    } catch {
      // unhooked: statements are still recorded, without the app's line
    }
    return r;
  };
  proto.runner = standIn(runner, orig);
}

function hookKnexRunner(Runner: unknown): void {
  const proto = (Runner as { prototype?: Record<string, unknown> })?.prototype;
  wrapRunner(proto, 'run', (self) => (self as { builder?: unknown })?.builder);
  wrapRunnerQuery(proto);
}

/**
 * Knex's Runner#query sends one statement: it reaches the driver synchronously (client.query → _query → the pg
 * connection's query, in every version), so the statement takes the site and unit its runner took when it started
 * (RUN_TAG) whatever async context Knex's own promises run it in.
 */
function wrapRunnerQuery(proto: Record<string, unknown> | undefined): void {
  const orig = proto?.query as ((...a: unknown[]) => unknown) | undefined;
  if (!proto || typeof orig !== 'function' || (orig as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const query = function (this: unknown, ...args: unknown[]): unknown {
    let tag: unknown;
    try {
      tag = this && typeof this === 'object' ? (this as Record<symbol, unknown>)[RUN_TAG] : undefined;
    } catch {
      tag = undefined;
    }
    return tag instanceof Carried ? carriedNow.run(tag, orig, this, args) : orig.apply(this, args);
  };
  proto.query = standIn(query, orig);
}

function hookObjection(exports: unknown): void {
  const o = exports as { Model?: Record<string, unknown> & { prototype: Record<string, unknown> }; QueryBuilder?: { prototype: Record<string, unknown> } };
  if (!o?.Model || !o.QueryBuilder) return;
  for (const m of ['query', 'relatedQuery']) wrapMaker(o.Model, m, 'objection');
  for (const m of ['$query', '$relatedQuery']) wrapMaker(o.Model.prototype, m, 'objection');
  for (const m of ['fetchGraph', 'populate']) wrapEntry(o.Model, m, 'objection');
  for (const m of ['$fetchGraph']) wrapEntry(o.Model.prototype, m, 'objection');
  wrapRunner(o.QueryBuilder.prototype, 'execute', (self) => self);
}

/** Bookshelf (on Knex): `require('bookshelf')(knex)` makes the instance whose Model and Collection the app extends. */
function hookBookshelfInstance(bs: unknown): void {
  const b = bs as { Model?: { prototype: Record<string, unknown> }; Collection?: { prototype: Record<string, unknown> } };
  for (const m of ['fetch', 'fetchAll', 'fetchPage', 'save', 'destroy', 'count', 'load']) wrapEntry(b?.Model?.prototype, m, 'bookshelf');
  for (const m of ['fetch', 'fetchOne', 'fetchPage', 'count', 'load', 'create']) wrapEntry(b?.Collection?.prototype, m, 'bookshelf');
}

function wrapBookshelfFactory(factory: unknown): unknown {
  if (typeof factory !== 'function' || (factory as unknown as Record<symbol, boolean>)[WRAPPED]) return factory;
  const make = function (this: unknown, ...args: unknown[]): unknown {
    const instance = (factory as (...a: unknown[]) => unknown).apply(this, args);
    try {
      hookBookshelfInstance(instance);
    } catch {
      // unhooked: statements are still recorded, without the app's line
    }
    return instance;
  };
  Object.assign(make, factory);
  (make as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  return make;
}

// ---- Prisma ------------------------------------------------------------------------------------
// A Prisma call (`prisma.user.findMany(…)`, `(tx || this.prisma).team.findUniqueOrThrow(…)`, `$queryRaw`)
// makes a lazy PrismaPromise synchronously at the app's line; it runs only when awaited (its `then`, from
// a microtask: no frame of the app's on the stack, not even an async one), and Prisma sends findUnique and
// findUniqueOrThrow a tick later still, from its batching loader's process.nextTick, where the statement's
// async stack holds only Prisma's own frames. So the site is taken where the app makes the PrismaPromise
// (the client's _createPrismaPromise, which every model method, raw query and $transaction goes through)
// and carried in the async context to every statement its run sends, as an ORM entry's is (wrapEntry).

/** The PrismaPromise factory of one client, wrapped (see hookPrismaClient). */
function wrapPrismaFactory(orig: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  const make = function (this: unknown, ...args: unknown[]): unknown {
    const run = args[0];
    if (typeof run !== 'function') return orig.apply(this, args);
    let site: CaptureSite | LaterSite | null = null;
    try {
      // Read in this frame (see readStart); only the synchronous stack counts: the app's line calls the model method.
      readStart(NEAR_FRAMES);
      try {
        Error.captureStackTrace(holder, make);
      } finally {
        site = nearSiteRead(make, '@prisma/client', true);
      }
    } catch {
      site = null;
    }
    if (!site) return orig.apply(this, args);
    // The unit is the one the PrismaPromise runs in (read when it runs: a request's own context, or the root).
    const carried = site;
    const inSite = function (this: unknown, ...a: unknown[]): unknown {
      let store: Store | undefined;
      try {
        store = { unit: currentUnit(), site: carried, sticky: true };
      } catch {
        store = undefined;
      }
      return store ? als.run(store, () => (run as (...x: unknown[]) => unknown).apply(this, a)) : (run as (...x: unknown[]) => unknown).apply(this, a);
    };
    return orig.apply(this, withArg(args, 0, inSite));
  };
  return standIn(make, orig);
}

/**
 * The class Prisma's runtime makes for the generated client (getPrismaClient(config)), extended so that each
 * client's PrismaPromise factory (an instance field) is wrapped; Prisma's constructor returns a proxy of the
 * client, whose writes land on the client itself.
 */
function hookPrismaRuntime(exports: Record<string, unknown>): Record<string, unknown> {
  const get = exports.getPrismaClient as ((...a: unknown[]) => unknown) | undefined;
  if (typeof get !== 'function' || (get as unknown as Record<symbol, boolean>)[WRAPPED]) return exports;
  const getPrismaClient = function (this: unknown, ...args: unknown[]): unknown {
    const Base = get.apply(this, args) as (new (...a: unknown[]) => object) | undefined;
    if (typeof Base !== 'function') return Base;
    try {
      const Hooked = class extends Base {
        constructor(...a: unknown[]) {
          super(...a);
          try {
            const self = this as unknown as { _createPrismaPromise?: unknown };
            const f = self._createPrismaPromise;
            if (typeof f === 'function' && !(f as unknown as Record<symbol, boolean>)[WRAPPED]) self._createPrismaPromise = wrapPrismaFactory(f as (...x: unknown[]) => unknown);
          } catch {
            // the client's statements are read at the driver
          }
        }
      };
      Object.defineProperty(Hooked, 'name', { value: Base.name });
      return Hooked;
    } catch {
      return Base;
    }
  };
  // The runtime's exports are getters (a bundle's): a copy with getPrismaClient replaced is handed out instead.
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(exports)) {
    try {
      copy[k] = exports[k];
    } catch {
      // left out
    }
  }
  if (exports.__esModule === true) Object.defineProperty(copy, '__esModule', { value: true });
  copy.getPrismaClient = standIn(getPrismaClient, get);
  return copy;
}

/** Prisma's runtime module as the generated client requires it (Prisma 7's runtime/client, 5–6's runtime/library). */
const PRISMA_RUNTIME = /^@prisma\/client\/runtime\/(client|library)(\.js)?$|[\\/]@prisma[\\/]client[\\/]runtime[\\/](client|library)\.js$/;

// ---- module loading ----------------------------------------------------------------------------

let prismaNoticeSent = false;

/** Modules whose export is replaced (a factory wrapped), by the exports object first seen. */
const replaced = new WeakMap<object, unknown>();

/**
 * The query libraries whose calls the capture puts at the app's line (they make or run SQL after the app's frame is
 * gone). Each one loaded is named with its version in a notice, once per process: when its statements still land on
 * "no line in your code", the report says which library and version was not recognised instead of "N+1: 0".
 */
const QUERY_LIBRARIES = new Set(['knex', 'sequelize', 'typeorm', 'objection', 'bookshelf', '@mikro-orm/core', 'kysely', 'drizzle-orm']);
const librariesSaid = new Set<string>();

function libraryNotice(request: string, parent: unknown): void {
  const name = /^(@[^/]+\/[^/]+|[^./@][^/]*)/.exec(request)?.[1];
  if (!name || !QUERY_LIBRARIES.has(name) || librariesSaid.has(name) || !Module._resolveFilename) return;
  librariesSaid.add(name);
  let version = '';
  let dir = path.dirname(Module._resolveFilename(request, parent));
  for (let i = 0; i < 8 && !version; i++) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === name && typeof pkg.version === 'string') version = pkg.version.slice(0, 40);
    } catch {
      // no package.json here: one folder up
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  send({ v: CAPTURE_PROTOCOL, t: 'notice', code: 'library', name, version, ts: Date.now(), pid: process.pid });
}

function onLoad(request: string, exports: unknown, parent?: unknown): unknown {
  try {
    libraryNotice(request, parent);
  } catch {
    // not named: its statements are recorded as before
  }
  if (request === 'bookshelf' && typeof exports === 'function') {
    let r = replaced.get(exports);
    if (!r) replaced.set(exports, (r = wrapBookshelfFactory(exports)));
    return r;
  }
  if (PRISMA_RUNTIME.test(request) && exports && typeof exports === 'object') {
    let r = replaced.get(exports);
    if (!r) replaced.set(exports, (r = hookPrismaRuntime(exports as Record<string, unknown>)));
    return r;
  }
  onLoadHook(request, exports);
  return exports;
}

// ---- postgres.js (porsager/postgres) -------------------------------------------------------------
// A query is a Promise subclass made synchronously where the app writes sql`…` (its line is on the
// stack then) and run later, when awaited. Its module's Query class is replaced, before the library's
// index reads it, by a subclass that takes the site at construction and times resolve/reject.

function hookPostgresJs(mod: Record<string, unknown>): void {
  const Base = mod.Query as (new (...a: unknown[]) => PostgresQuery) | undefined;
  if (typeof Base !== 'function' || (Base as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  class CapturedQuery extends (Base as new (...a: unknown[]) => PostgresQuery) {
    constructor(...args: unknown[]) {
      super(...args);
      try {
        const store = als.getStore();
        const site = store?.site && (store.sticky || !store.siteUsed) ? store.site : callSite(CapturedQuery);
        const self = this as unknown as PostgresQuery & { [k: symbol]: unknown };
        const unit = routedUnit(store?.unit ?? vitestUnit() ?? ROOT);
        let start: number | undefined;
        const handle = self.handle;
        self.handle = function (this: PostgresQuery, ...a: unknown[]) {
          if (start === undefined) start = performance.now();
          return handle.apply(this, a);
        };
        const finish = (result: unknown, error: unknown) => {
          if (start === undefined || typeof self.string !== 'string') return;
          const params = Array.isArray(self.parameters) ? self.parameters : [];
          const p: Pending = { sql: self.string.length > MAX_SQL_CHARS ? self.string.slice(0, MAX_SQL_CHARS) : self.string, site, unit, pc: params.length, pt: typesJson(params), start, lib: '', us: 0, ts: 0, rows: undefined, err: undefined };
          if (sendValues) p.pv = JSON.stringify(params.slice(0, 100));
          p.pd = paramsDiffer(p.sql, params);
          const count = (result as { count?: unknown } | undefined)?.count;
          end(p, typeof count === 'number' ? { rowCount: count } : result, error, 'postgres');
        };
        const resolve = self.resolve;
        const reject = self.reject;
        self.resolve = (x: unknown) => {
          finish(x, undefined);
          return resolve(x);
        };
        self.reject = (x: unknown) => {
          finish(undefined, x ?? new Error('rejected'));
          return reject(x);
        };
      } catch {
        // never fail the app
      }
    }
  }
  (CapturedQuery as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  mod.Query = CapturedQuery;
}

interface PostgresQuery {
  handle: (...a: unknown[]) => unknown;
  resolve: (x: unknown) => unknown;
  reject: (x: unknown) => unknown;
  string?: unknown;
  parameters?: unknown[];
}

function onLoadHook(request: string, exports: unknown): void {
  if (!exports || (typeof exports !== 'object' && typeof exports !== 'function')) return;
  if (request === 'pg' || /[\\/]node_modules[\\/]pg[\\/]lib[\\/]index\.js$/.test(request)) hookPg(exports);
  else if (request === 'sequelize') hookSequelize(exports);
  else if ((request === './query.js' || /[\\/]postgres[\\/]cjs[\\/]src[\\/]query\.js$/.test(request)) && 'CLOSE' in (exports as object)) hookPostgresJs(exports as Record<string, unknown>);
  else if (request === 'typeorm') hookTypeorm(exports);
  else if (/[\\/]typeorm[\\/]query-builder[\\/]RelationLoader\.js$/.test(request) || request.endsWith('/RelationLoader')) hookTypeormRelationLoader(exports);
  else if (request === 'knex') hookKnexClient((exports as { Client?: unknown }).Client);
  else if (request === 'objection') hookObjection(exports);
  else if (/[\\/]knex[\\/]lib[\\/]client(\.js)?$/.test(request) || (request.endsWith('/client') && typeof exports === 'function' && 'runner' in ((exports as { prototype?: object }).prototype ?? {}))) hookKnexClient(exports);
  else if (request === 'jest-runtime' || /[\\/]jest-runtime[\\/]build[\\/]index\.js$/.test(request)) hookJestRuntime(exports);
  else if (/[\\/]jest-environment-[^\\/]+[\\/]build[\\/]index\.js$/.test(request) || /^jest-environment-[a-z]+$/.test(request)) hookJestEnvironment(exports);
  else if (request === 'koa' || /[\\/]koa[\\/]lib[\\/]application\.js$/.test(request)) hookKoa(exports);
  else if (request === 'find-my-way' || /[\\/]find-my-way[\\/]index\.js$/.test(request)) hookFindMyWay(exports);
  else if (request === 'http' || request === 'node:http' || request === 'https' || request === 'node:https') hookHttp(exports as never);
  else if (request === 'mocha' || /[\\/]mocha[\\/]lib[\\/]mocha\.js$/.test(request) || /[\\/]mocha[\\/]index\.js$/.test(request)) hookMocha(exports as never);
  else if (/[\\/]mocha[\\/]lib[\\/]runnable\.js$/.test(request) || request.endsWith('./runnable')) {
    if (typeof exports === 'function' && (exports as { prototype?: { run?: unknown } }).prototype?.run) hookMocha({ Runnable: exports as never });
  } else if (request === '@prisma/client' && !prismaNoticeSent) {
    prismaNoticeSent = true;
    send({ v: CAPTURE_PROTOCOL, t: 'notice', code: 'prisma-client', ts: Date.now(), pid: process.pid });
  } else if (request === '@prisma/adapter-pg') {
    send({ v: CAPTURE_PROTOCOL, t: 'notice', code: 'prisma-adapter-pg', ts: Date.now(), pid: process.pid });
  }
}

/**
 * A process ended by a signal (a test runner's worker is ended with SIGTERM once its tests are done;
 * Ctrl+C) emits no 'exit': the batch is sent first. When no one else listens for the signal, ours is
 * removed and the signal raised again, so the process ends exactly as it would have (as signal-exit
 * does); when the app listens for it too, the app decides what happens, as it would have.
 */
function flushOnSignal(sig: NodeJS.Signals): void {
  const onSignal = (): void => {
    try {
      flushBatch();
    } catch {
      // ignore
    }
    if (process.listenerCount(sig) > 1) return;
    process.removeListener(sig, onSignal);
    process.kill(process.pid, sig);
  };
  process.on(sig, onSignal);
}

/**
 * ES module apps: `import pg from 'pg'` reaches pg's CommonJS code through Module._load (hooked above), but
 * `import postgres from 'postgres'` loads postgres.js's ES build, whose Query class no require hook sees. For an
 * app whose entry is an ES module, a resolve hook (module.register, Node 18.19+/20.6+; one small module given as a
 * data: URL, so the capture stays one file) hands that import postgres.js's own CommonJS build, the one `require`
 * loads — the same library, which the require hook then wraps. Other apps register nothing (no hooks thread).
 */
const ESM_HOOKS = `import { existsSync } from 'node:fs';
const ENTRY = /\\/node_modules\\/postgres\\/src\\/index\\.js$/;
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  try {
    if (r && typeof r.url === 'string' && ENTRY.test(r.url)) {
      const cjs = r.url.replace(/\\/src\\/index\\.js$/, '/cjs/src/index.js');
      if (existsSync(new URL(cjs))) return { ...r, url: cjs, format: 'commonjs' };
    }
  } catch {}
  return r;
}
`;

/**
 * Whether the process's entry script is an ES module (.mjs/.mts, or .js/.ts under a package.json with "type":
 * "module") of a project that depends on postgres.js (its nearest package.json lists `postgres`): only then is a
 * hooks thread started (it costs the app's start a worker thread).
 */
function esmAppWithPostgresJs(entry: string | undefined): boolean {
  if (!entry || /\.c[jt]s$/.test(entry)) return false;
  let dir = path.dirname(path.resolve(entry));
  for (let i = 0; i < 40; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      const esm = /\.m[jt]s$/.test(entry) || pkg.type === 'module';
      const deps = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].map((k) => pkg[k]);
      return esm && deps.some((d) => !!d && typeof d === 'object' && Object.prototype.hasOwnProperty.call(d, 'postgres'));
    }
    const up = path.dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
  return false;
}

function registerEsmHooks(): void {
  if (typeof Module.register !== 'function' || !esmAppWithPostgresJs(process.argv[1])) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) return;
  Module.register(`data:text/javascript,${encodeURIComponent(ESM_HOOKS)}`);
}

function install(): void {
  if ((globalThis as Record<symbol, unknown>)[WRAPPED]) return;
  (globalThis as Record<symbol, unknown>)[WRAPPED] = true;
  const origLoad = Module._load;
  Module._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    const exports = origLoad.call(this, request, parent, isMain);
    try {
      return onLoad(request, exports, parent);
    } catch {
      // never fail a require
      return exports;
    }
  };
  try {
    hookCompile();
  } catch {
    // ignore: call sites in transpiled files stay at their generated lines
  }
  try {
    registerEsmHooks();
  } catch {
    // ignore: an ES module app's postgres.js statements are not recorded
  }
  if (process.env.PGLENS_CAPTURE_SOCKET) socket = connect(process.env.PGLENS_CAPTURE_SOCKET);
  // http is often loaded before the app code runs (by tsx, by mocha): hook it now.
  try {
    hookHttp(http as never);
    hookHttp(https as never);
  } catch {
    // ignore
  }
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) flushOnSignal(sig);
  process.once('exit', () => {
    try {
      flushBatch();
    } catch {
      // ignore
    }
    if (dropped > droppedSaid && process.env.PGLENS_CAPTURE_SOCKET && !socketGone) {
      try {
        socket?.write(JSON.stringify({ v: CAPTURE_PROTOCOL, t: 'dropped', n: dropped - droppedSaid, ts: Date.now(), pid: process.pid }) + '\n');
      } catch {
        // ignore
      }
    }
  });
}

if (process.env.PGLENS_CAPTURE_OFF !== '1') {
  try {
    install();
  } catch {
    // capture off; the app runs as it would
  }
}

/** For tests and the bench: run fn inside a named unit of work. */
export function inUnit<T>(kind: CaptureUnit['k'], name: string, fn: () => T): T {
  return runInUnit({ k: kind, id: `${kind[0]}${process.pid}-${++unitSeq}`, n: name }, fn);
}
