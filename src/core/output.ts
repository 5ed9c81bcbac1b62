/**
 * Findings as text, JSON and SARIF 2.1.0 (pure; the CLI prints, GitHub code scanning reads SARIF).
 * Positions: 1-based lines and columns in UTF-16 code units (SARIF's default columnKind), end
 * column exclusive, as SARIF's region says.
 */
import { type Finding, lineStarts, positionAt, type Severity } from './findings';
import type { RuleMeta } from './rules/types';
import { ruleDocsPath } from './docs';
import { describeByContext } from './codeContext';
import { describeOtherDialect } from './dialect';
import { oneLine } from './safeText';
import { shortHash } from './hash';
import { countOf } from './format';

export interface Located {
  finding: Finding;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** 1-based positions of findings, given the texts of their files. */
export function locate(findings: readonly Finding[], textOf: (file: string) => string | undefined): Located[] {
  const starts = new Map<string, number[]>();
  return findings.map((f) => {
    const file = f.file ?? '';
    let ls = starts.get(file);
    if (!ls) {
      ls = lineStarts(textOf(file) ?? '');
      starts.set(file, ls);
    }
    const s = positionAt(ls, f.span.start);
    const e = positionAt(ls, Math.max(f.span.end, f.span.start));
    return { finding: f, startLine: s.line + 1, startColumn: s.column + 1, endLine: e.line + 1, endColumn: e.column + 1 };
  });
}

/** `docsPage`: where a docs page is for the reader (the CLI: the file on this machine), printed once per rule that has findings. */
export function formatText(located: readonly Located[], summary: { files: number; sites: number; lines?: number; notAnalysed?: string | null; database?: string | null }, docsPage?: (docsPath: string) => string): string {
  const out: string[] = [];
  for (const l of located) {
    const f = l.finding;
    // File names and messages (which quote names from the code and the catalog) stay on their line.
    out.push(`${oneLine(f.file ?? '?')}:${l.startLine}:${l.startColumn}: ${f.severity} ${f.ruleId}: ${oneLine(f.message)}`);
    if (f.help) for (const line of f.help.split(/\r\n|\n/)) out.push(`    ${oneLine(line)}`);
  }
  const c = { error: 0, warning: 0, info: 0, hint: 0 } as Record<Severity, number>;
  for (const l of located) c[l.finding.severity]++;
  const parts = (['error', 'warning', 'info', 'hint'] as Severity[]).filter((s) => c[s]).map((s) => `${c[s]} ${s}${c[s] === 1 ? '' : 's'}`);
  out.push(`${located.length ? '\n' : ''}${countOf(summary.files, 'file')}, ${countOf(summary.sites, 'SQL statement')}: ${parts.length ? parts.join(', ') : 'no findings'}`);
  if (located.some((l) => l.finding.context)) out.push(`by context: ${describeByContext(located.map((l) => l.finding))}`);
  const dialect = describeOtherDialect(located.map((l) => l.finding));
  if (dialect) out.push(oneLine(dialect));
  if (summary.notAnalysed) out.push(oneLine(summary.notAnalysed));
  if (summary.database) out.push(oneLine(summary.database));
  for (const line of describeUnreadSql(located)) out.push(oneLine(line));
  const ruleIds = [...new Set(located.map((l) => l.finding.ruleId))].sort();
  if (docsPage && ruleIds.length) out.push('read about the rules:', ...ruleIds.map((id) => `    ${id}: ${oneLine(docsPage(ruleDocsPath(id)))}`));
  return out.join('\n');
}

/**
 * The summary lines for SQL that was found but not read (`not-analysed` hints with a reason from extraction or the
 * parser): "3 strings look like SQL but are built at run time: a.ts:12, b.ts:40, c.ts:7". Nothing is dropped without a word.
 */
export function describeUnreadSql(located: readonly Located[]): string[] {
  return unreadSqlLines(
    located.flatMap((l) => {
      const e = l.finding.evidence;
      if (l.finding.ruleId !== 'not-analysed' || !e || typeof e.runTime !== 'boolean') return [];
      return [{ at: `${l.finding.file ?? '?'}:${l.startLine}`, runTime: e.runTime, otherDatabase: typeof e.otherDatabase === 'string' ? e.otherDatabase : undefined }];
    }),
  );
}

/** Unread SQL, one place each (`file:line`), as summary lines: built at run time, unparseable, and per other database. */
export function unreadSqlLines(items: readonly { at: string; runTime: boolean; otherDatabase?: string }[]): string[] {
  const runTime: string[] = [];
  const other: string[] = [];
  const elsewhere = new Map<string, string[]>();
  for (const i of items) {
    if (i.otherDatabase !== undefined) elsewhere.set(i.otherDatabase, [...(elsewhere.get(i.otherDatabase) ?? []), i.at]);
    else (i.runTime ? runTime : other).push(i.at);
  }
  const list = (xs: readonly string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
  const looks = (n: number) => `${n} ${n === 1 ? 'string looks' : 'strings look'}`;
  const out: string[] = [];
  if (runTime.length) out.push(`${looks(runTime.length)} like SQL but ${runTime.length === 1 ? 'is' : 'are'} built at run time (not analysed): ${list(runTime)}`);
  if (other.length) out.push(`${looks(other.length)} like SQL but PostgreSQL cannot parse ${other.length === 1 ? 'it' : 'them'} (not analysed): ${list(other)}`);
  for (const [db, at] of elsewhere) out.push(`${looks(at.length)} like SQL written for ${db}, not PostgreSQL (not analysed): ${list(at)}`);
  return out;
}

export function formatJson(located: readonly Located[], summary: Record<string, unknown>): string {
  return JSON.stringify(
    {
      summary,
      findings: located.map((l) => ({
        ruleId: l.finding.ruleId,
        severity: l.finding.severity,
        file: l.finding.file,
        line: l.startLine,
        column: l.startColumn,
        endLine: l.endLine,
        endColumn: l.endColumn,
        message: l.finding.message,
        help: l.finding.help,
        span: l.finding.span,
        fixes: l.finding.fixes,
        evidence: l.finding.evidence,
        context: l.finding.context,
      })),
    },
    null,
    2,
  );
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export interface SarifOptions {
  toolVersion: string;
  /**
   * A rule's docs page (Markdown) by its path (core/docs.ts), put into the rule's help: GitHub code scanning shows
   * help.markdown beside an alert. No helpUri: the project publishes no web copy, and a dead link is worse than none.
   */
  docsPage?: (docsPath: string) => string | undefined;
  /** file:// URI of the directory paths are relative to (becomes %SRCROOT%). */
  srcRoot?: string;
  /** Convert a finding's file path to a relative URI (forward slashes, percent-encoded). */
  relativeUri?: (file: string) => string;
}

function ruleHelp(docsPath: string, page: SarifOptions['docsPage']): { text: string; markdown?: string } {
  const md = page?.(docsPath);
  const text = `Read ${docsPath} in PG Lens (shipped with the extension and the CLI).`;
  return md ? { text, markdown: md } : { text };
}

/** A SARIF 2.1.0 log with one run: rule metadata in tool.driver.rules, one result per finding. */
export function toSarif(located: readonly Located[], rules: readonly RuleMeta[], opts: SarifOptions): Record<string, unknown> {
  const ids = [...rules.map((r) => r.id)];
  for (const l of located) if (!ids.includes(l.finding.ruleId)) ids.push(l.finding.ruleId);
  const meta = new Map(rules.map((r) => [r.id, r]));
  const uri = opts.relativeUri ?? ((f: string) => encodeURI(f.replace(/\\/g, '/')));
  const region = (l: Pick<Located, 'startLine' | 'startColumn' | 'endLine' | 'endColumn'>) => ({ startLine: l.startLine, startColumn: l.startColumn, endLine: l.endLine, endColumn: l.endColumn });
  const loc = (file: string) => ({ uri: uri(file), ...(opts.srcRoot ? { uriBaseId: 'SRCROOT' } : {}) });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pg-lens',
            version: opts.toolVersion,
            rules: ids.map((id) => {
              const m = meta.get(id);
              return {
                id,
                name: id.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase()),
                shortDescription: { text: m?.description ?? id },
                help: ruleHelp(ruleDocsPath(id), opts.docsPage),
                defaultConfiguration: { level: LEVEL[m?.defaultSeverity ?? 'warning'] },
              };
            }),
          },
        },
        ...(opts.srcRoot ? { originalUriBaseIds: { SRCROOT: { uri: opts.srcRoot.endsWith('/') ? opts.srcRoot : `${opts.srcRoot}/` } } } : {}),
        columnKind: 'utf16CodeUnits',
        results: located.map((l) => {
          const f = l.finding;
          const file = f.file ?? '';
          const fixes = f.fixes.filter((x) => x.edits.length).map((x) => ({
            description: { text: x.title },
            artifactChanges: [
              {
                artifactLocation: loc(file),
                replacements: x.edits.map((e) => ({ deletedRegion: { charOffset: e.span.start, charLength: e.span.end - e.span.start }, insertedContent: { text: e.newText } })),
              },
            ],
          }));
          return {
            ruleId: f.ruleId,
            ruleIndex: ids.indexOf(f.ruleId),
            level: LEVEL[f.severity],
            message: { text: f.help ? `${f.message}\n${f.help}` : f.message },
            locations: [{ physicalLocation: { artifactLocation: loc(file), region: region(l) } }],
            partialFingerprints: { primaryLocationLineHash: shortHash(`${f.ruleId}:${file}:${f.message}`) },
            ...(fixes.length ? { fixes } : {}),
            ...(f.evidence || f.context ? { properties: { ...(f.evidence ? { evidence: f.evidence } : {}), ...(f.context ? { context: f.context } : {}) } } : {}),
          };
        }),
      },
    ],
  };
}
