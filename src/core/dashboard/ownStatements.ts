/**
 * Recognising PG Lens's own statements in pg_stat_statements. A leading marker comment is not
 * enough: PostgreSQL 18 drops comments before the statement from the stored text, and a queryid's
 * text is whichever variant ran first. So we also compare the statement's shape — literals,
 * numbers and $n all become "?", lists of them one "?", comments and case and spacing ignored —
 * against the shapes of our own SQL constants.
 */
export const OWN_MARKER = '/* pg-lens */';

/**
 * The leading keywords of bare transaction control, as a regular-expression alternation both
 * JavaScript and PostgreSQL read alike: isOwnStatementText uses it here, and db/sql.ts's
 * EXCLUDE_OWN uses it in pg_stat_statements queries, so the two always agree.
 */
export const TRANSACTION_CONTROL_KEYWORDS = 'BEGIN|START\\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE(\\s+SAVEPOINT)?';
const TRANSACTION_CONTROL_RE = new RegExp(`^(${TRANSACTION_CONTROL_KEYWORDS})\\b[^;]*$`, 'i');

/**
 * PG Lens's session setup as pg_stat_statements normalises it (`SELECT set_config($1, $2, $3)`, two such calls at
 * most; a text may have been stored from a run without the marker): a case-sensitive regular expression both
 * JavaScript and PostgreSQL read alike, used by isOwnStatementText and by db/sql.ts's EXCLUDE_OWN.
 */
export const SESSION_SETUP_PATTERN = '^\\s*SELECT set_config\\(\\$\\d+, \\$\\d+, \\$\\d+\\)(, set_config\\(\\$\\d+, \\$\\d+, \\$\\d+\\))?\\s*;?\\s*$';
const SESSION_SETUP_RE = new RegExp(SESSION_SETUP_PATTERN);

/**
 * A pg_stat_statements text that PG Lens caused, not the application: one carrying the
 * /* pg-lens *\/ marker anywhere (PostgreSQL 18 keeps only a trailing comment), or the statement
 * nested in an EXPLAIN (with pg_stat_statements.track = all, the statement PG Lens explains is
 * recorded under the application's queryid as a separate, non-top-level entry whose text is the EXPLAIN),
 * or PG Lens's EXECUTE/DEALLOCATE of its prepared statements, or its session setup. A `PREPARE pglens_… AS
 * <statement>` text is not ours: see applicationText. Every text db/sql.ts's EXCLUDE_OWN.statements leaves out is
 * ours here too (the dashboard's reader relies on it: the server tells only texts cut short when read).
 */
export function isOwnStatementText(query: string): boolean {
  if (query.includes(OWN_MARKER)) return true;
  if (SESSION_SETUP_RE.test(query)) return true;
  const head = query.replace(/^(\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  if (/^(EXPLAIN\b|EXECUTE\s+pglens_|DEALLOCATE\s+(PREPARE\s+)?pglens_)/i.test(head)) return true;
  // Transaction control carries no marker (BEGIN READ ONLY, SAVEPOINT, ROLLBACK TO SAVEPOINT around
  // PG Lens's trial indexes): not a statement of the application's worth listing either.
  return TRANSACTION_CONTROL_RE.test(head.trim());
}

/**
 * The application's statement in a pg_stat_statements text. On PostgreSQL < 16 PG Lens plans a statement
 * with $n through `PREPARE pglens_… AS <statement>`; pg_stat_statements files the prepared statement under
 * the statement's own queryid and keeps the first text it saw, so when PG Lens planned it before the app ran
 * it, the application's entry (its calls, its time) carries the PREPARE text. Shown and matched without it.
 */
export function applicationText(query: string): string {
  return query.replace(/^\s*PREPARE\s+pglens_\w+\s+AS\s+/i, '');
}

export function sqlShape(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    // EXTRACT(epoch FROM …): the field is a constant to pg_stat_statements.
    .replace(/\bextract\s*\(\s*[a-z_]+\s+from\b/gi, 'extract(? from')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\b(?:true|false)\b/gi, '?')
    .replace(/(?<!\bis\s)(?<!\bnot\s)\bnull\b/gi, '?')
    .replace(/\s+/g, ' ')
    .replace(/\?(?:\s*,\s*\?)+/g, '?')
    .replace(/\s*([()[\],=<>+*/:-])\s*/g, '$1')
    .trim()
    .toLowerCase();
}

/** The longest run of [a-z_] in a shape ('' when it has none). */
function longestWord(shape: string): string {
  let best = '';
  for (const m of shape.matchAll(/[a-z_]+/g)) if (m[0].length > best.length) best = m[0];
  return best;
}

export class OwnStatementMatcher {
  private readonly shapes = new Set<string>();
  /**
   * One word of each shape (its longest): a text can have that shape only if its lower-cased text contains the word,
   * since sqlShape keeps every identifier and keyword whole (it replaces literals, comments and spacing with `?`, a
   * space or nothing next to punctuation, never joining two words). A panel's first refresh tells thousands of
   * entries apart; most contain none of these words and need no shape (sqlShape: ~40 ms of CPU for 6,000 texts).
   */
  private readonly words = new Set<string>();

  constructor(texts: Iterable<string> = []) {
    this.add(texts);
  }

  add(texts: Iterable<string>): void {
    for (const t of texts) {
      if (!t.includes(OWN_MARKER)) continue;
      const shape = sqlShape(t);
      this.shapes.add(shape);
      this.words.add(longestWord(shape));
    }
  }

  /** `truncated`: the text was cut short when read (long statements): match it as a prefix. */
  isOwn(storedText: string, truncated = false): boolean {
    if (isOwnStatementText(storedText)) return true;
    if (!truncated && !this.mayHaveOurShape(storedText)) return false;
    const shape = sqlShape(storedText);
    if (!truncated) return this.shapes.has(shape);
    // The cut may fall inside a token: compare all but the last few characters.
    const prefix = shape.slice(0, Math.max(0, shape.length - 16));
    if (prefix.length < 200) return false;
    for (const s of this.shapes) if (s.startsWith(prefix)) return true;
    return false;
  }

  private mayHaveOurShape(text: string): boolean {
    const lower = text.toLowerCase();
    for (const w of this.words) if (lower.includes(w)) return true;
    return false;
  }
}
