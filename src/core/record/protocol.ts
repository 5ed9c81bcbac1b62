/**
 * What the capture modules (Node: src/capture/node.ts, Python: src/capture/python/sitecustomize.py)
 * send to the listener, one JSON object per line. Short keys: one line per statement the app runs.
 * A statement is either one whole line (`t: "q"`: the Python module, and the Node module's JSONL file)
 * or, on the Node module's socket, a small record (`t: "r"`) naming by number what earlier lines of the
 * same connection defined: the statement's text with its driver and parameter types (`t: "dq"`), its call
 * site (`t: "ds"`) and its unit of work (`t: "du"`); `t: "dx"` forgets every definition (see
 * CaptureDecoder). Each definition is sent once, so a statement's line holds only what changes per run.
 */
export const CAPTURE_PROTOCOL = 1;
/** Longer SQL texts are cut (the normalised statement of a cut text is not computed). */
export const MAX_SQL_CHARS = 20_000;

/** A unit of work: one HTTP request, one test, a job, a schema migration (never an N+1: run once per deploy), or the process outside them. */
/**
 * A path segment that names an instance, not a route: a number, a UUID, a hex id of 8+ characters with a digit (an
 * ObjectId, a hash), or a token of 20+ characters mixing letters and digits (a slug id, a signed token).
 */
const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*\d)[0-9a-f]{8,}|(?=[\w.~-]*\d)(?=[\w.~-]*[A-Za-z])[\w.~-]{20,})$/i;

/**
 * A request's route when the framework's is not known: the path without query or fragment, each instance segment as
 * `:id` (person15: Recorded Queries had one group per Traduora project UUID). `GET /projects/0f8f…/terms?x=1` →
 * `GET /projects/:id/terms`. A route pattern (`/projects/:projectId`, `<uuid:pk>`) is kept as it is.
 */
export function requestRoute(method: string | undefined, url: string): string {
  const p = url.split(/[?#]/)[0];
  const segments = p.split('/').map((seg) => {
    let text = seg;
    try {
      text = decodeURIComponent(seg);
    } catch {
      // keep the raw segment
    }
    return ID_SEGMENT.test(text) ? ':id' : seg;
  });
  return `${method ? `${method} ` : ''}${segments.join('/')}`.slice(0, 200);
}

/** A request unit's group name: "GET /p/123" (a capture that named it by its raw path) as its route, "GET /p/:id". */
export function requestGroupName(name: string): string {
  const m = /^([A-Z]+) (\/\S*)$/.exec(name);
  return m ? requestRoute(m[1], m[2]) : name;
}

export interface CaptureUnit {
  k: 'request' | 'test' | 'job' | 'migration' | 'root';
  /** Unique per instance (two requests to the same route have two ids). */
  id: string;
  /** Display name: "GET /orders/:n", the test's full title. */
  n: string;
}

/** The first frame in the user's code (1-based line and column, mapped through source maps). */
export interface CaptureSite {
  file: string;
  line: number;
  col: number;
  fn?: string;
  /** The library between the user's code and the driver (the ORM or query builder), when any. */
  via?: string;
  /**
   * No frame of the app's was on the stack: the statement was sent inside a request whose handler is known (the Flask
   * view function, the Django view, the Starlette endpoint), most often while a library serialised its response
   * (marshmallow, a DRF serializer, a template reading a lazy relation); this site is that handler (`fn` its name).
   */
  serializing?: boolean;
}

export interface QueryEvent {
  v: number;
  t: 'q';
  /** Driver: pg, psycopg2, psycopg, asyncpg. */
  lib: string;
  sql: string;
  /** Parameter count and types; values only when the user opted in (pv). */
  pc: number;
  pt: string[];
  pv?: unknown[];
  /**
   * Which parameters differ from the previous call of the same text in that process (bit i for $i+1, of the first 31):
   * no value is sent. Absent for a text's first call, and from a capture that does not send it.
   */
  pd?: number;
  ms: number;
  rows?: number;
  err?: string;
  site?: CaptureSite;
  u: CaptureUnit;
  ts: number;
  pid: number;
}

export interface NoticeEvent {
  v: number;
  t: 'notice';
  /**
   * prisma-client: Prisma is loaded (its Rust engine is invisible); prisma-adapter-pg: it runs on pg; library: a query
   * library whose calls the capture puts at the app's line is loaded (`name`, `version`: read from its package.json).
   */
  code: string;
  name?: string;
  version?: string;
  ts: number;
  pid: number;
}

interface DroppedEvent {
  v: number;
  t: 'dropped';
  n: number;
  ts: number;
  pid: number;
}

export type CaptureEvent = QueryEvent | NoticeEvent | DroppedEvent;

/** The type name of a parameter value (values themselves are not sent by default). */
export function paramType(v: unknown): string {
  const t = typeof v;
  // A primitive (the common parameter) is its typeof; undefined is sent as null.
  if (t !== 'object') return v === undefined ? 'null' : t;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(v)) return 'bytea';
  return typeof v;
}

/** Definitions, and characters of SQL text, a connection may hold at once (the Node module starts over, with `dx`, well before). */
const MAX_DEFINITIONS = 20_000;
const MAX_DEFINED_CHARS = 16_000_000;

/**
 * One connection's reader of capture lines: keeps what its `dq`/`ds`/`du` lines define and turns each
 * `r` record into the whole statement (asCaptureEvent's), so everything after the listener sees whole
 * events. Other lines go to asCaptureEvent as they are. A record naming an id not defined on this
 * connection is no event (dropped, never guessed).
 */
export class CaptureDecoder {
  private readonly statements = new Map<number, { lib: unknown; sql: unknown; pt: unknown; pc: unknown; pid: unknown }>();
  private readonly sites = new Map<number, unknown>();
  private readonly units = new Map<number, unknown>();
  private sqlChars = 0;

  /** The event in one parsed line, or undefined (a definition, or not an event). */
  decode(x: unknown): CaptureEvent | undefined {
    if (!x || typeof x !== 'object') return undefined;
    const e = x as Record<string, unknown>;
    switch (e.t) {
      case 'r': {
        const q = typeof e.q === 'number' ? this.statements.get(e.q) : undefined;
        const u = typeof e.u === 'number' ? this.units.get(e.u) : undefined;
        const site = typeof e.s === 'number' ? this.sites.get(e.s) : undefined;
        if (!q || u === undefined || (e.s !== undefined && site === undefined)) return undefined;
        return asCaptureEvent({ v: e.v, t: 'q', lib: q.lib, sql: q.sql, pc: typeof e.pc === 'number' ? e.pc : q.pc, pt: q.pt, pv: e.pv, pd: e.pd, ms: e.ms, rows: e.rows, err: e.err, site, u, ts: e.ts, pid: q.pid });
      }
      case 'dq':
        if (typeof e.i === 'number' && typeof e.sql === 'string') {
          const sql = e.sql.slice(0, MAX_SQL_CHARS);
          if ((this.sqlChars += sql.length) > MAX_DEFINED_CHARS) {
            this.statements.clear();
            this.sqlChars = sql.length;
          }
          this.define(this.statements, e.i, { lib: e.lib, sql, pt: e.pt, pc: e.pc, pid: e.pid });
        }
        return undefined;
      case 'ds':
        if (typeof e.i === 'number') this.define(this.sites, e.i, e.site);
        return undefined;
      case 'du':
        if (typeof e.i === 'number') this.define(this.units, e.i, e.u);
        return undefined;
      case 'dx':
        this.statements.clear();
        this.sqlChars = 0;
        this.sites.clear();
        this.units.clear();
        return undefined;
      default:
        return asCaptureEvent(x);
    }
  }

  private define<T>(m: Map<number, T>, id: number, v: T): void {
    if (m.size >= MAX_DEFINITIONS && !m.has(id)) {
      m.clear();
      if (m === (this.statements as Map<number, unknown>)) this.sqlChars = 0;
    }
    m.set(id, v);
  }
}

/** Validate one parsed line from a capture module; anything else is ignored by the listener. */
export function asCaptureEvent(x: unknown): CaptureEvent | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const e = x as Record<string, unknown>;
  if (e.t === 'q') {
    if (typeof e.sql !== 'string' || typeof e.ms !== 'number' || !e.u || typeof e.u !== 'object') return undefined;
    const u = e.u as Record<string, unknown>;
    if (typeof u.id !== 'string' || typeof u.n !== 'string' || !['request', 'test', 'job', 'migration', 'root'].includes(u.k as string)) return undefined;
    if (e.site !== undefined) {
      const s = e.site as Record<string, unknown>;
      if (!s || typeof s.file !== 'string' || typeof s.line !== 'number') return undefined;
    }
    return {
      v: Number(e.v) || CAPTURE_PROTOCOL, t: 'q', lib: typeof e.lib === 'string' ? e.lib : 'unknown', sql: e.sql.slice(0, MAX_SQL_CHARS),
      pc: typeof e.pc === 'number' ? e.pc : 0, pt: Array.isArray(e.pt) ? e.pt.map(String) : [], pv: Array.isArray(e.pv) ? e.pv : undefined,
      ...(typeof e.pd === 'number' && Number.isInteger(e.pd) && e.pd >= 0 ? { pd: e.pd } : {}),
      ms: e.ms, rows: typeof e.rows === 'number' ? e.rows : undefined, err: typeof e.err === 'string' ? e.err : undefined,
      site: e.site as CaptureSite | undefined, u: { k: u.k as CaptureUnit['k'], id: u.id, n: u.n }, ts: typeof e.ts === 'number' ? e.ts : 0, pid: typeof e.pid === 'number' ? e.pid : 0,
    };
  }
  if (e.t === 'notice' && typeof e.code === 'string') {
    const text = (x: unknown) => (typeof x === 'string' && x ? { value: x.slice(0, 100) } : undefined);
    const name = text(e.name);
    const version = text(e.version);
    return { v: 1, t: 'notice', code: e.code, ...(name ? { name: name.value } : {}), ...(version ? { version: version.value } : {}), ts: Number(e.ts) || 0, pid: Number(e.pid) || 0 };
  }
  if (e.t === 'dropped' && typeof e.n === 'number') return { v: 1, t: 'dropped', n: e.n, ts: Number(e.ts) || 0, pid: Number(e.pid) || 0 };
  return undefined;
}

/**
 * The capture events of a recording file: the JSONL the capture modules write without a socket (one event a line:
 * PGLENS_CAPTURE_FILE, `.pg-lens/record-<pid>.jsonl`), each line validated (asCaptureEvent); `notEvents`: the lines that
 * are not. The one reader of such a file: `pg-lens benchmark --workload --file` and `pg-lens advise --recording`.
 */
export function captureEventsOf(text: string): { events: CaptureEvent[]; notEvents: number } {
  const events: CaptureEvent[] = [];
  let notEvents = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: CaptureEvent | undefined;
    try {
      e = asCaptureEvent(JSON.parse(line));
    } catch {
      e = undefined;
    }
    if (e) events.push(e);
    else notEvents++;
  }
  return { events, notEvents };
}
