/**
 * The workspace's SQL call sites for matching recorded statements to code (the editor's Stop Recording report,
 * recordQueries.ts): SQL discovery (extractSqlSites) plus the detector's literal-SQL calls, each marked whether the
 * detector reports it as sent once per item of a loop.
 *
 * Read the way the scan reads files (perf20, Traduora: ~7 minutes after Stop): minified and built bundles left out
 * (core/minified.ts), one syntax tree per file shared by the three readers, and the event loop given a turn whenever a
 * slice of time has passed, so the extension host keeps answering commands while it runs.
 */
import type { FileInput } from '../scan';
import { extractLanguageOf, extractSqlSites, isTreeLanguage } from '../extract/index';
import { SourceTree } from '../syntax/treeSitter';
import { isMinified } from '../minified';
import { errorMessage } from '../safeText';
import { TimeSlice } from '../timeSlice';
import { detectNPlusOne, findSqlCalls } from './detect';
import { siteRefsOf, type SqlSiteRef } from './observed';

export interface WorkspaceSites {
  sites: SqlSiteRef[];
  /** The text of each file that has sites (diagnostics' positions). */
  texts: Map<string, string>;
  files: number;
  /** Minified or built files left out. */
  built: number;
}

export async function workspaceSqlSites(files: AsyncIterable<FileInput> | Iterable<FileInput>, opts: { onError?: (file: string, message: string) => void } = {}): Promise<WorkspaceSites> {
  const out: WorkspaceSites = { sites: [], texts: new Map(), files: 0, built: 0 };
  // Commands and hovers get a turn between files (parsing yields on its own).
  const slice = new TimeSlice();
  for await (const { path: file, text } of files as AsyncIterable<FileInput>) {
    await slice.turn();
    out.files++;
    if (isMinified(file, text)) {
      out.built++;
      continue;
    }
    const lang = extractLanguageOf(file);
    const source = isTreeLanguage(lang) ? new SourceTree(text, lang) : undefined;
    try {
      const sql = file.endsWith('.sql');
      // The calls the static detector reports as sent once per item of a loop: only there is a repeated one-row
      // statement an N+1 (pg_stat_statements alone cannot tell a loop from traffic).
      const loops = sql ? [] : (await detectNPlusOne(text, file, file, source)).map((f) => f.span);
      const calls = [
        ...(await extractSqlSites(text, file, file, { source })).map((x) => ({ span: x.callSpan ?? x.span, sql: x.sql })),
        ...(sql ? [] : await findSqlCalls(text, file, source)),
      ];
      const found = siteRefsOf(file, text, calls, loops);
      if (found.length) out.texts.set(file, text);
      out.sites.push(...found);
    } catch (e) {
      opts.onError?.(file, errorMessage(e));
    } finally {
      source?.dispose();
    }
  }
  return out;
}
