/**
 * The editor's statements to decide index advice with, as Scan Workspace asks for them (person16 HIGH 1: on ente's
 * server, 583 files and 1,372 statements, 3 of 4 samples of the stuck extension host were in mergeStatements, run again
 * for every file analysed): 1,500 generated statements of a Go-like repository (a third of them migrations' DDL) with
 * 50 of pg_stat_statements', merged once (`mergeMs`), then asked for 600 times as 600 files' analyses ask
 * (`perScanMs`, WorkspaceStatements: made once per change).
 */
import { mergeStatements, WorkspaceStatements, type DecisionInput } from '../src/db/indexDecision';
import type { FoundStatement } from '../src/core/advice/workload';
import { loadPgParser } from '../src/core/sql/statement';

function generated(): { top: DecisionInput[]; found: FoundStatement[] } {
  const tables = ['users', 'collections', 'files', 'trash', 'tokens', 'object_keys', 'collection_shares', 'subscriptions'];
  const found: FoundStatement[] = [];
  for (let i = 0; i < 1500; i++) {
    const t = tables[i % tables.length];
    if (i % 3 === 0) found.push({ sql: `ALTER TABLE ${t} ADD COLUMN c${i} bigint`, source: `migrations/${i}_add_c${i}.up.sql:1`, context: 'migration' });
    else found.push({ sql: `SELECT id, c${i % 40}\n  FROM ${t}\n WHERE owner_id = $1 AND c${i} > $2\n ORDER BY id LIMIT 20`, source: `pkg/repo/${t}.go:${i}` });
  }
  const top = Array.from({ length: 50 }, (_, i) => ({ sql: `SELECT id, c${(i * 3 + 1) % 40} FROM ${tables[(i * 3 + 1) % tables.length]} WHERE owner_id = $1 AND c${i * 3 + 1} > $2 ORDER BY id LIMIT 20`, label: `queryid ${i}`, calls: 100 + i, totalMs: 10 * i }));
  return { top, found };
}

export async function run(): Promise<Record<string, unknown>> {
  await loadPgParser();
  const { top, found } = generated();
  let t = performance.now();
  const merged = mergeStatements(top, found);
  const mergeMs = performance.now() - t;
  const statements = new WorkspaceStatements();
  statements.setFile('all', found);
  t = performance.now();
  for (let file = 0; file < 600; file++) statements.statements(top);
  const perScanMs = performance.now() - t;
  return { decisionStatements: { statements: found.length + top.length, merged: merged.statements.length, alsoInFiles: merged.alsoInFiles, mergeMs: Math.round(mergeMs), perScanMs: Math.round(perScanMs) } };
}
