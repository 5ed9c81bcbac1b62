/**
 * Entry point of SQL discovery: source text → SqlSite[].
 *  - .sql / .pgsql / .psql files: split by our own psql-aware lexer (sqlLexer.ts), one site per statement;
 *  - TypeScript, TSX, JavaScript, Python, Go, Java, Ruby: tree-sitter syntax trees (embedded.ts and
 *    languages/*.ts).
 * Never throws: on any failure the result is [] (extractSqlSitesDetailed says why).
 */
import type { Tree } from '@vscode/tree-sitter-wasm';
import type { SqlSite, UnreadSql } from './types';
import { loadPgParser } from '../sql/statement';
import { loadedParser, parserBusy, parseWithin, prepareLanguage, queryFor, withSourceTree, type SourceLanguage, type SourceTree } from '../syntax/treeSitter';
import { mapperFormatOf, readAsOf, type MapperFormat, type ReadAs } from '../languages/registry';
import { directivesToHoles, finishSql, textPart, type Part } from './compose';
import { markAppendedSites } from './appended';
import { extractFromTree, extractFromTreeSliced, type LanguageProfile } from './embedded';
import { splitSqlStatements, statementAt as statementRangeAt } from './sqlLexer';
import { javascriptProfile } from '../languages/javascript/extract';
import { pythonProfile } from '../languages/python/extract';
import { goProfile } from '../languages/go/extract';
import { javaProfile } from '../languages/java/extract';
import { rubyProfile } from '../languages/ruby/extract';
import { isNamedQueryFile, namedQuerySites } from '../languages/sql/extract';
import { myBatisSites, type MapperFragments } from '../languages/java/mybatis';
import { errorMessage } from '../safeText';

export type { SqlSite } from './types';

const PROFILES: Partial<Record<SourceLanguage, LanguageProfile>> = {
  typescript: javascriptProfile,
  tsx: javascriptProfile,
  javascript: javascriptProfile,
  python: pythonProfile,
  go: goProfile,
  java: javaProfile,
  ruby: rubyProfile,
};

export interface ExtractOptions {
  /** Files longer than this (UTF-16 units) are not parsed. Default 8,000,000. */
  maxChars?: number;
  /** Parse time limit in ms. Default 10,000. */
  timeoutMs?: number;
  /** Async only: yield to the event loop every sliceMs while parsing and walking (default 8). */
  sliceMs?: number;
  /** Async only: parse in slices only texts longer than this (default 100,000 characters). */
  sliceAboveChars?: number;
  /** Async only: the text's shared syntax tree (one parse per file, shared with N+1 detection). */
  source?: SourceTree;
  /** MyBatis `<sql>` fragments of the project's other mapper files (cross-file `<include refid>`). */
  mapperFragments?: MapperFragments;
}

export interface ExtractResult {
  sites: SqlSite[];
  /** Why nothing (or not everything) was extracted, when that is not simply "no SQL here". */
  reason?: string;
  /** Strings that look like SQL but could not be read, and why (never dropped without a word). */
  unread?: UnreadSql[];
}

/** How each mapper format of the registry becomes sites. */
const MAPPERS: Record<MapperFormat, (text: string, file: string | undefined, opts: ExtractOptions) => SqlSite[]> = { mybatis: (text, file, opts) => myBatisSites(text, file, opts.mapperFragments) };

function mapperSites(languageIdOrPath: string, text: string, file: string | undefined, opts: ExtractOptions): SqlSite[] {
  const f = mapperFormatOf(languageIdOrPath);
  return f ? MAPPERS[f](text, file, opts) : [];
}

/** 'sql' for SQL files, a tree-sitter language, a mapper format of the registry, or undefined. */
export function extractLanguageOf(languageIdOrPath: string): ReadAs | MapperFormat | undefined {
  const l = readAsOf(languageIdOrPath);
  if (l === 'sql' || (l && PROFILES[l])) return l;
  return mapperFormatOf(languageIdOrPath);
}

/** A language with a tree-sitter grammar (SQL files and mapper formats have none). */
export function isTreeLanguage(lang: ReturnType<typeof extractLanguageOf>): lang is SourceLanguage {
  return lang !== undefined && lang !== 'sql' && PROFILES[lang as SourceLanguage] !== undefined;
}

/**
 * The sites of a SQL file: one per statement. A file of named queries (aiosql, goyesql, HugSQL…)
 * holds application SQL (languages/sql/extract.ts). Synchronous and dependency-free.
 */
export function sqlFileSites(text: string, file?: string): SqlSite[] {
  if (isNamedQueryFile(text)) return namedQuerySites(text, file);
  const out: SqlSite[] = [];
  // `%(name)s` is no psql syntax (psql's variables are `:name`): a file that writes it holds statements a Python driver runs
  // with its parameters (Procrastinate's queries.sql, `-- defer_jobs --` headers over `%(queue)s`), mapped to $n as in code.
  const pyformat = PYFORMAT.test(text.replace(/--[^\n]*/g, ''));
  // Such a file names each query on a line of its own (`-- defer_jobs --`) and may end none with `;`: each name starts one.
  const starts = pyformat ? [0, ...[...text.matchAll(QUERY_NAME_LINE)].map((m) => m.index!)] : [0];
  starts.forEach((from, i) => {
    const to = i + 1 < starts.length ? starts[i + 1] : text.length;
    for (const part of splitSqlStatements(text.slice(from, to))) {
      const st = { ...part, start: part.start + from, end: part.end + from };
      const f = finishSql(psqlVariables(st.text, st.start), { dollar: true, ...(pyformat ? { pyformat: true } : {}) });
      if (!f.sql) continue;
      out.push({ file, language: 'sql', api: 'sql-file', sql: f.sql, sourceMap: f.sourceMap, span: { start: st.start, end: st.end }, params: f.params, confidence: 1, dynamic: false });
    }
  });
  return out;
}

/** A psycopg named parameter, `%(name)s`. */
const PYFORMAT = /%\([A-Za-z_]\w*\)s/;
/** A line that only names the query below it: `-- defer_jobs --`. */
const QUERY_NAME_LINE = /^[ \t]*--[ \t]*[A-Za-z_][\w-]*[ \t]*--[ \t]*$/gm;

/**
 * A statement of a SQL script with psql's variables (`:SCHEMA`, `:'value'`, `:"name"`, set by `psql -v` or a migration
 * runner that substitutes them) as pieces filled at run time: a name where a name stands (`:SCHEMA.jobs` is read as
 * `SCHEMA.jobs`), a parameter where a value does. A cast's `::` and an array slice's `[1:n]` are not variables.
 */
function psqlVariables(text: string, start: number): Part[] {
  if (!/(?<![:\w\]])(?::[A-Za-z_]|:'|:")/.test(text)) return [textPart(text, start)];
  return directivesToHoles([textPart(text, start)], /(?<![:\w\]'"])(?::[A-Za-z_]\w*|:'[A-Za-z_]\w*'|:"[A-Za-z_]\w*")/g);
}

/**
 * The statement of a SQL script under the cursor (see sqlLexer.statementAt), as a site. In a file of named queries, the
 * named query's site (its `:name` parameters mapped to $n, as sqlFileSites and the scan read it).
 */
export function sqlStatementAt(text: string, offset: number, file?: string): SqlSite | undefined {
  const st = statementRangeAt(text, offset);
  if (isNamedQueryFile(text)) {
    const sites = namedQuerySites(text, file);
    return sites.find((s) => offset >= s.span.start && offset <= s.span.end) ?? (st && sites.find((s) => s.span.start < st.end && st.start < s.span.end));
  }
  if (!st) return undefined;
  const f = finishSql(psqlVariables(st.text, st.start), { dollar: true });
  return { file, language: 'sql', api: 'sql-file', sql: f.sql, sourceMap: f.sourceMap, span: { start: st.start, end: st.end }, params: f.params, confidence: 1, dynamic: false };
}

/** Load what extraction of this language needs (tree-sitter grammar, PostgreSQL parser). */
export async function prepareExtraction(languageIdOrPath: string): Promise<void> {
  const lang = extractLanguageOf(languageIdOrPath);
  await loadPgParser();
  if (isTreeLanguage(lang)) await prepareLanguage(lang);
}

function runProfile(tree: Tree, lang: SourceLanguage, text: string, file: string | undefined): SqlSite[] {
  const profile = PROFILES[lang]!;
  const query = queryFor(lang, profile.query);
  if (!query) return [];
  return extractFromTree(tree, query, profile, text, lang, file);
}

function tooBig(text: string, opts: ExtractOptions): string | undefined {
  const max = opts.maxChars ?? 8_000_000;
  return text.length > max ? `file too large (${text.length} characters, limit ${max})` : undefined;
}

/** Like extractSqlSites, with the reason when nothing could be extracted. */
export async function extractSqlSitesDetailed(text: string, languageIdOrPath: string, file?: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  try {
    if (typeof text !== 'string') return { sites: [], reason: 'not text' };
    const lang = extractLanguageOf(languageIdOrPath);
    if (!lang) return { sites: [], reason: 'unsupported language' };
    if (lang === 'sql') return { sites: sqlFileSites(text, file) };
    const big = tooBig(text, opts);
    if (big) return { sites: [], reason: big };
    if (!isTreeLanguage(lang)) return { sites: mapperSites(languageIdOrPath, text, file, opts) };
    if (!mayHoldSql(text)) return { sites: [] };
    await loadPgParser();
    await prepareLanguage(lang);
    return await withSourceTree(text, lang, opts.source, async (tree) => {
      if (!tree) return { sites: [], reason: `parsing took longer than ${opts.timeoutMs ?? 10_000} ms` };
      const profile = PROFILES[lang]!;
      const query = queryFor(lang, profile.query);
      if (!query) return { sites: [], reason: 'tree-sitter query unavailable' };
      const unread: UnreadSql[] = [];
      const sites = markAppendedSites(await extractFromTreeSliced(tree, query, profile, text, lang, file, { unread }, opts.sliceMs ?? 8), text);
      return unread.length ? { sites, unread } : { sites };
    }, opts);
  } catch (e) {
    return { sites: [], reason: `extraction failed: ${errorMessage(e)}` };
  }
}

/** Source text → SQL sites. Never throws. */
export async function extractSqlSites(text: string, languageIdOrPath: string, file?: string, opts: ExtractOptions = {}): Promise<SqlSite[]> {
  return (await extractSqlSitesDetailed(text, languageIdOrPath, file, opts)).sites;
}

/**
 * Synchronous variant, once prepareExtraction(language) has completed; returns undefined when
 * the grammar is not loaded yet. Parses in one go (no yielding).
 */
export function extractSqlSitesSync(text: string, languageIdOrPath: string, file?: string, opts: ExtractOptions = {}): ExtractResult | undefined {
  try {
    const lang = extractLanguageOf(languageIdOrPath);
    if (!lang) return { sites: [], reason: 'unsupported language' };
    if (lang === 'sql') return { sites: sqlFileSites(text, file) };
    if (!isTreeLanguage(lang)) return { sites: mapperSites(languageIdOrPath, text, file, opts) };
    const parser = loadedParser(lang);
    if (!parser || !queryFor(lang, PROFILES[lang]!.query)) return undefined;
    const big = tooBig(text, opts);
    if (big) return { sites: [], reason: big };
    if (!mayHoldSql(text)) return { sites: [] };
    if (parserBusy(lang)) {
      // A sliced parse may be suspended on this parser: do not disturb it.
      return undefined;
    }
    const tree = parseWithin(parser, text, { timeoutMs: opts.timeoutMs });
    if (!tree) return { sites: [], reason: `parsing took longer than ${opts.timeoutMs ?? 10_000} ms` };
    try {
      return { sites: markAppendedSites(runProfile(tree, lang, text, file), text) };
    } finally {
      tree.delete();
    }
  } catch (e) {
    return { sites: [], reason: `extraction failed: ${errorMessage(e)}` };
  }
}

/** A file without any SQL keyword or marker holds no SQL site: skip parsing it. */
function mayHoldSql(text: string): boolean {
  return /\b(?:select|insert|update|delete|with|create|alter|drop|truncate|merge|explain|values|language\s*=\s*sql)\b|\/\*\s*sql\s*\*\//i.test(text);
}
