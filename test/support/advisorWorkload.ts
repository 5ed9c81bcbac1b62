/**
 * The advisor's labelled workload (test/fixtures/advisor): load it into a database, and score
 * suggestions against the labels. Shared by the database tests and bench/advisor.bench.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'pg';
import type { IndexSuggestion } from '../../src/db/advisor';

export const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'advisor');

export interface ExpectedIndex {
  table: string;
  method: string;
  /** Leading keys in this order (DESC ignored). */
  keys?: string[];
  /** Leading keys in any order; at least minKeys of them. */
  keysAnyOrder?: string[];
  minKeys?: number;
  where?: string;
  /** '' = the default operator class. */
  opclass?: string;
}

export interface Labelled {
  id: string;
  sql: string;
  expect?: ExpectedIndex[];
}

export function workload(): { positives: Labelled[]; negatives: Labelled[] } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'workload.json'), 'utf8'));
}

/** Create the schema and data (a few seconds), then VACUUM ANALYZE so the planner sees real statistics. */
export async function loadAdvisorFixture(client: Client): Promise<void> {
  await client.query(fs.readFileSync(path.join(FIXTURE_DIR, 'schema.sql'), 'utf8'));
  await client.query(fs.readFileSync(path.join(FIXTURE_DIR, 'data.sql'), 'utf8'));
  await client.query('VACUUM ANALYZE');
}

const norm = (s: string) => s.replace(/ DESC$/i, '').replace(/\s+/g, '').toLowerCase();

/** Whether one suggestion is the expected index. */
export function matches(s: IndexSuggestion, e: ExpectedIndex): boolean {
  if (s.table !== e.table || s.method !== e.method) return false;
  const cols = s.columns.map(norm);
  if (e.keys) {
    if (cols.length < e.keys.length) return false;
    if (!e.keys.every((k, i) => cols[i] === norm(k))) return false;
  }
  if (e.keysAnyOrder) {
    const want = e.keysAnyOrder.map(norm);
    const n = e.minKeys ?? want.length;
    if (cols.length < n || !cols.slice(0, n).every((c) => want.includes(c))) return false;
    if (!cols.every((c) => want.includes(c))) return false;
  }
  if (e.where !== undefined && norm(s.where ?? '') !== norm(e.where)) return false;
  if (e.opclass !== undefined) {
    const has = /\b(jsonb_path_ops|gin_trgm_ops|text_pattern_ops|varchar_pattern_ops)\b/.exec(s.ddl)?.[1] ?? '';
    if (has !== e.opclass) return false;
  }
  return true;
}

/** A positive is right when every expected index is suggested (other suggestions are allowed only on other tables). */
export function positiveRight(suggestions: IndexSuggestion[], expect: ExpectedIndex[]): boolean {
  return expect.every((e) => suggestions.some((s) => matches(s, e)));
}

export function describeSuggestions(ss: IndexSuggestion[]): string {
  return ss.length ? ss.map((s) => `${s.ddl} [${s.verifiedBy}, ${s.costBefore} → ${s.costAfter}]`).join('; ') : '(none)';
}
