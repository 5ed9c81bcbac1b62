/**
 * Input side of the plan model: EXPLAIN (FORMAT JSON) output as the server or a user gives it, and
 * TEXT-format plans pasted from psql, pgAdmin or a log, both turned into PostgreSQL's JSON shape
 * (one object with "Plan", "Planning Time", …) so everything downstream has one input form.
 */
import { K } from './keys';
import { PlanParseError, parseTextRows, unframe } from './text';
import { planOverLimit } from '../limits';
import { errorMessage } from '../safeText';

export { PlanParseError };

/** A TEXT-format plan, framed or not (see text.ts), → PostgreSQL's JSON shape. */
export function parseTextPlan(text: string): Record<string, unknown> {
  return parseTextRows(unframe(text).rows);
}

/** Whatever the user pasted or the server returned → the top-level EXPLAIN object. */
export function parsePlanSource(source: unknown): Record<string, unknown> {
  if (typeof source === 'string') {
    const over = planOverLimit(source);
    if (over) throw new PlanParseError(over);
    const direct = source.trim();
    if (direct.startsWith('[') || direct.startsWith('{')) {
      try {
        return parsePlanSource(parseJsonKeepingIds(direct));
      } catch (e) {
        if (e instanceof PlanParseError) throw e;
        // not plain JSON: maybe JSON inside a psql frame
      }
    }
    if (!direct) throw new PlanParseError('The plan is empty.');
    const { rows, frame } = unframe(source);
    const t = rows.join('\n').trim();
    if (!t) throw new PlanParseError(`The plan is empty (${frame}).`);
    if (t.startsWith('[') || t.startsWith('{')) {
      let v: unknown;
      try {
        v = parseJsonKeepingIds(t);
      } catch (e) {
        throw new PlanParseError(`The plan looks like JSON (${frame}) but does not parse: ${errorMessage(e)}`);
      }
      return parsePlanSource(v);
    }
    return parseTextRows(rows);
  }
  if (Array.isArray(source)) {
    if (!source.length) throw new PlanParseError('The plan is an empty array.');
    // node-postgres gives [{ "QUERY PLAN": [ {...} ] }] for EXPLAIN (FORMAT JSON) rows.
    return parsePlanSource(source[0]);
  }
  if (source && typeof source === 'object') {
    const o = source as Record<string, unknown>;
    if (o[K.Plan] && typeof o[K.Plan] === 'object') return o;
    if ('QUERY PLAN' in o) return parsePlanSource(o['QUERY PLAN']);
    if (typeof o[K.NodeType] === 'string') return { [K.Plan]: o };
  }
  throw new PlanParseError('Not an EXPLAIN plan: expected EXPLAIN (FORMAT JSON) output or a text plan.');
}

/** JSON.parse, but 64-bit query identifiers keep their digits (as a string; JSON.parse would round them). */
function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(text.replace(/("Query Identifier"\s*:\s*)(-?\d+)/g, '$1"$2"'));
}

