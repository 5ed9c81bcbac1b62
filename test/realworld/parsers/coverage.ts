/**
 * Parser coverage: of the SQL statements PostgreSQL's own parser (libpg-query) accepts, how many the
 * rules' parser (pgsql-ast-parser) reads, so rules and index advice analyse them; the rest must carry a
 * not-analysed finding. Over the project's fixtures and examples, or the folders given:
 *
 *   npx tsx test/realworld/parsers/coverage.ts [folder…]     → JSON on stdout
 *
 * A statement = one SqlSite's SQL text (a .sql file gives one site per statement).
 */
import * as path from 'node:path';
import { extractSqlSites } from '../../../src/core/extract/index';
import { checkSite, NOT_ANALYSED } from '../../../src/core/rules/engine';
import { RULES } from '../../../src/core/rules/index';
import { parseSql } from '../../../src/core/sql/parse';
import { shapeFailure, statementShape } from '../../../src/core/sql/predicates';
import { holdsQuery, inspectSql, loadPgParser } from '../../../src/core/sql/statement';
import { configureTreeSitterForCli } from '../../../src/node/treeSitterDir';
import { readSourceText, walkSourceFiles } from '../../../src/node/walk';

export interface ParserCoverage {
  /** Statements PostgreSQL accepts. */
  valid: number;
  /** Of those, read by pgsql-ast-parser (rules and index advice run). */
  analysed: number;
  /** Of the rest, those with a not-analysed finding (saying so). */
  reported: number;
  /** Of the rest, schema DDL holding no query (CREATE TABLE, ALTER TABLE…): no query rule judges it, so no hint either. */
  noQuery: number;
  share: number;
  /**
   * Index analysis (statementShape) of the valid SELECT/INSERT/UPDATE/DELETE statements: how many it reads,
   * through pgsql-ast-parser or, where that fails, PostgreSQL's own parse tree (core/sql/pgTree); the rest
   * with statementShape's one-line reason.
   */
  dml: number;
  shaped: number;
  shapedByPgTree: number;
  notShaped: { file: string; sql: string; reason: string }[];
  notAnalysed: { file: string; sql: string; reason: string }[];
}

const DML = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

export async function parserCoverage(roots: string[]): Promise<ParserCoverage> {
  configureTreeSitterForCli();
  await loadPgParser();
  const out: ParserCoverage = { valid: 0, analysed: 0, reported: 0, noQuery: 0, share: 0, dml: 0, shaped: 0, shapedByPgTree: 0, notShaped: [], notAnalysed: [] };
  for await (const f of walkSourceFiles(roots, { gitignore: false })) {
    const text = await readSourceText(f.path);
    if (text === undefined) continue;
    for (const site of await extractSqlSites(text, f.path, f.path)) {
      const pg = inspectSql(site.sql);
      if (!pg.ok || !pg.statements.length) continue;
      out.valid++;
      const ours = parseSql(site.sql);
      if (pg.statements.length === 1 && DML.has(pg.statements[0].node)) {
        out.dml++;
        if (statementShape(site.sql)) {
          out.shaped++;
          if (!ours.ok) out.shapedByPgTree++;
        } else out.notShaped.push({ file: path.relative(process.cwd(), f.path), sql: site.sql.replace(/\s+/g, ' ').slice(0, 120), reason: shapeFailure(site.sql) });
      }
      if (ours.ok) {
        out.analysed++;
        continue;
      }
      if (checkSite(site, RULES).some((x) => x.ruleId === NOT_ANALYSED)) out.reported++;
      else if (!pg.statements.some((s) => holdsQuery(s.node))) out.noQuery++;
      out.notAnalysed.push({ file: path.relative(process.cwd(), f.path), sql: site.sql.replace(/\s+/g, ' ').slice(0, 120), reason: ours.message.slice(0, 120) });
    }
  }
  out.share = out.valid ? Number((out.analysed / out.valid).toFixed(4)) : 1;
  return out;
}

if (require.main === module) {
  const root = path.join(__dirname, '..', '..', '..');
  const args = process.argv.slice(2);
  void parserCoverage(args.length ? args : [path.join(root, 'test', 'fixtures'), path.join(root, 'examples')]).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
