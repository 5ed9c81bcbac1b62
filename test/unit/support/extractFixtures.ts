/**
 * Fixtures of SQL discovery: test/fixtures/extract/<language>/<name>.<ext> with the expected sites in
 * <name>.<ext>.json. `npx tsx test/unit/support/extractFixtures.ts <fixture>` prints what the
 * extractor finds now in that format (to review by hand, never to paste unread).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineStarts, positionAt } from '../../../src/core/findings';
import { extractSqlSites } from '../../../src/core/extract/index';
import type { SqlSite } from '../../../src/core/extract/types';
import { textOf, type Code } from './code';

export const FIXTURE_ROOT = path.join(__dirname, '..', '..', 'fixtures', 'extract');

export interface ExpectedSite {
  /** 1-based line and column of span.start. */
  line: number;
  column: number;
  api: string;
  sql: string;
  /** The exact file text of span. */
  span: string;
  /** "$n=source" for each param, in file order. */
  params: string[];
  confidence: number;
  dynamic: boolean;
}

export function listFixtures(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.json')) out.push(p);
    }
  };
  walk(FIXTURE_ROOT);
  return out;
}

export function describeSite(text: string, site: SqlSite): ExpectedSite {
  const pos = positionAt(lineStarts(text), site.span.start);
  return {
    line: pos.line + 1, column: pos.column + 1, api: site.api, sql: site.sql,
    span: text.slice(site.span.start, site.span.end),
    params: site.params.map((p) => `$${p.index}=${p.source}`),
    confidence: site.confidence, dynamic: site.dynamic,
  };
}

/** The SQL sites of `code` read as the file `file` (its language from the file's ending). */
export async function sitesIn(code: Code, file: string): Promise<SqlSite[]> {
  return extractSqlSites(textOf(code), file, file);
}

/**
 * Asserts that `sqlText`, where it first stands in the site's SQL, maps back (through the site's source
 * map) to `sourceText` in the file text: by default the same text, e.g. a fragment's word to its literal.
 */
export function assertMapsBack(text: string, site: Pick<SqlSite, 'sql' | 'sourceMap'>, sqlText: string, sourceText = sqlText, message?: string): void {
  const i = site.sql.indexOf(sqlText);
  assert.ok(i >= 0, `${JSON.stringify(sqlText)} is not in ${JSON.stringify(site.sql)}`);
  const at = site.sourceMap[i];
  assert.equal(text.slice(at, at + sourceText.length), sourceText, message);
}

if (require.main === module) {
  void (async () => {
    const { useTreeSitterFromNodeModules } = await import('./treeSitter');
    const { extractSqlSitesDetailed } = await import('../../../src/core/extract/index');
    useTreeSitterFromNodeModules();
    for (const f of process.argv.slice(2)) {
      const text = fs.readFileSync(f, 'utf8');
      const r = await extractSqlSitesDetailed(text, f);
      process.stdout.write(JSON.stringify(r.sites.map((s) => describeSite(text, s)), null, 2) + '\n');
      if (r.reason) process.stderr.write(r.reason + '\n');
    }
  })();
}
