/**
 * PG Lens's own transactions, counted as the server counts them in pg_stat_database (xact_commit, xact_rollback), so the
 * dashboard's Transactions/s and rollbacks/s can leave them out (person9's P17: "21 TPS" on an idle server, all PG Lens's
 * connect-time planning, catalog reads and health checks). One counter per server and database; each session keeps
 * whether it is inside an explicit transaction block:
 *  - a statement outside a block is a transaction of its own: committed when it succeeds, rolled back when it fails;
 *  - BEGIN / START TRANSACTION opens a block; COMMIT / END ends it (rolled back if a statement in it failed);
 *    ROLLBACK (not ROLLBACK TO SAVEPOINT) and ABORT end it rolled back.
 */
export interface TransactionCounts {
  commits: number;
  rollbacks: number;
}

type Kind = 'begin' | 'commit' | 'rollback' | 'other';

/** The kind of a statement text for transaction counting (leading comments skipped; a multi-statement text by its first and last). */
export function transactionKind(text: string): Kind {
  const statements = text
    .replace(/\/\*[\s\S]*?\*\/|--[^\n]*/g, ' ')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const kindOf = (s: string | undefined): Kind => {
    if (!s) return 'other';
    if (/^(BEGIN|START\s+TRANSACTION)\b/i.test(s)) return 'begin';
    if (/^(COMMIT|END)\b(?!\s+PREPARED)/i.test(s)) return 'commit';
    if (/^(ROLLBACK|ABORT)\b(?!\s+(WORK\s+|TRANSACTION\s+)?TO\b)(?!\s+PREPARED)/i.test(s)) return 'rollback';
    return 'other';
  };
  const first = kindOf(statements[0]);
  const last = kindOf(statements[statements.length - 1]);
  // "BEGIN; …; ROLLBACK" sent as one text: a block that ends within it.
  if (first === 'begin' && statements.length > 1 && (last === 'commit' || last === 'rollback')) return last;
  return first;
}

/** One session's view: whether a block is open and whether a statement in it failed. */
export class SessionTransactions {
  private inBlock = false;
  private failed = false;

  constructor(private readonly counts: TransactionCounts) {}

  /** A statement finished (`ok`: it succeeded). */
  observe(text: string | undefined, ok: boolean): void {
    const kind = text === undefined ? 'other' : transactionKind(text);
    if (kind === 'begin') {
      if (!this.inBlock && ok) {
        this.inBlock = true;
        this.failed = false;
      } else if (!this.inBlock) {
        this.counts.rollbacks++;
      }
      return;
    }
    if (kind === 'commit' || kind === 'rollback') {
      if (this.inBlock) {
        if (kind === 'commit' && ok && !this.failed) this.counts.commits++;
        else this.counts.rollbacks++;
      }
      this.inBlock = false;
      this.failed = false;
      return;
    }
    if (this.inBlock) {
      if (!ok) this.failed = true;
      return;
    }
    if (ok) this.counts.commits++;
    else this.counts.rollbacks++;
  }
}

/** The counts between two readings, never below zero (a counter made anew in between). */
export function countsBetween(before: TransactionCounts | undefined, after: TransactionCounts | undefined): TransactionCounts {
  if (!before || !after) return { commits: 0, rollbacks: 0 };
  return { commits: Math.max(0, after.commits - before.commits), rollbacks: Math.max(0, after.rollbacks - before.rollbacks) };
}
