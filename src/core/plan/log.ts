/**
 * Plans in a PostgreSQL server log written by auto_explain (stderr log format, any log_line_prefix):
 *
 *   2026-11-30 15:21:30.919 UTC [23467] LOG:  duration: 9.513 ms  plan:
 *   <TAB>Query Text: SELECT …
 *   <TAB>Aggregate  (cost=…) (actual …)
 *
 * Each entry's lines follow its "duration: … plan:" line, each starting with a tab; text and JSON
 * (auto_explain.log_format) entries alike.
 */
export interface LoggedPlan {
  /** 1-based, in log order. */
  index: number;
  /** Line of the "duration: … plan:" message (1-based). */
  line: number;
  /** The log line's timestamp as written, when the prefix has one. */
  at?: string;
  durationMs: number;
  /** First line of the query text, when the entry has one. */
  query?: string;
  /** The plan as auto_explain wrote it (tabs removed): text or JSON. */
  source: string;
}

const ENTRY = /(?:LOG|INFO|NOTICE|DEBUG\d?|WARNING):\s+duration:\s+([\d.]+)\s+ms\s+plan:\s*$/;
const STAMP = /(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?: ?[A-Z]{2,5}|[+-]\d\d(?::?\d\d)?)?)/;

/** The auto_explain plans of a server log; an empty list when the text holds none. */
export function readPlanLog(text: string): LoggedPlan[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: LoggedPlan[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ENTRY.exec(lines[i]);
    if (!m) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j].startsWith('\t'); j++) body.push(lines[j].slice(1));
    const source = body.join('\n');
    let query: string | undefined;
    const qt = /^Query Text: (.*)$/m.exec(source);
    if (qt) query = qt[1];
    else {
      const js = /"Query Text":\s*"((?:[^"\\]|\\.)*)"/.exec(source);
      if (js) query = JSON.parse(`"${js[1]}"`).split('\n')[0];
    }
    out.push({ index: out.length + 1, line: i + 1, at: STAMP.exec(lines[i].slice(0, m.index))?.[1], durationMs: Number(m[1]), query: query?.trim(), source });
    i = j - 1;
  }
  return out;
}

/** The entry to open: the N-th (1-based) when asked, else the slowest. */
export function pickLoggedPlan(plans: LoggedPlan[], pick?: number): LoggedPlan | undefined {
  if (pick !== undefined) return plans[pick - 1];
  return plans.reduce<LoggedPlan | undefined>((a, b) => (!a || b.durationMs > a.durationMs ? b : a), undefined);
}
