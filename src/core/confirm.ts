/**
 * The items of a modal confirmation, in the order VS Code needs. In a modal `showWarningMessage` the first item that is
 * not a close affordance is the primary button: drawn as the main one and focused, so Enter presses it. The close
 * affordance (VS Code adds its own "Cancel" when no item is one) is what Escape and the dialog's × stand for.
 *
 * An action that cannot be undone, or that stops someone's work (terminate a session, cancel a query, drop an index,
 * reset statistics, create an index on a server, remove a profile), is never the primary button (person23 MEDIUM 5:
 * Enter terminated the session): the button that keeps things as they are comes first, named for what it keeps, the
 * action second, named for what happens, and Escape keeps too. Any other confirmation ("Run" an ANALYZE) keeps the
 * action first and its keeping button as the close affordance.
 */
export interface ConfirmItem {
  title: string;
  /** Choosing it runs the action. */
  confirms: boolean;
  /** VS Code's close affordance (Escape). */
  close: boolean;
}

export interface ConfirmLabels {
  /** The action, named for what happens ("Terminate the session"). */
  confirm: string;
  /** What keeps things as they are ("Keep the session"); "Cancel" when not given. */
  keep?: string;
}

export function confirmItems(labels: ConfirmLabels, destructive: boolean): ConfirmItem[] {
  const keep = labels.keep ?? 'Cancel';
  if (destructive) return [{ title: keep, confirms: false, close: false }, { title: labels.confirm, confirms: true, close: false }];
  return [{ title: labels.confirm, confirms: true, close: false }, { title: keep, confirms: false, close: true }];
}

/** The button of an Explain Analyze confirmation that runs nothing and still answers the question: the plan, estimated. */
const ESTIMATED_PLAN_ONLY = 'Estimated plan only';

export interface AnalyzeConfirmation {
  message: string;
  detail: string;
  labels: Required<ConfirmLabels>;
}

/**
 * The confirmations an Explain Analyze needs before anything runs, and before its `$n` values are asked (person37 L1:
 * four values typed, then "will EXECUTE this statement"): functions whose effects outlive the rollback (allowed by
 * name), then the statement's writes, locks and VOLATILE functions (security.md). Destructive dialogs (confirmItems):
 * the button that keeps is the primary one and VS Code adds its own "Cancel"; that button is not a second "no" ("Don't
 * run it" beside "Cancel" read as a duplicate) but the estimated plan, which runs nothing; Cancel does nothing.
 */
export function analyzeConfirmations(risk: { sideEffects: readonly string[]; sideEffectDetail: string; needsConfirmation: boolean; writes: readonly string[]; risk: string }): AnalyzeConfirmation[] {
  const keep = `${ESTIMATED_PLAN_ONLY} (nothing runs)`;
  const choices = `"${ESTIMATED_PLAN_ONLY}" shows the plan PostgreSQL would choose without running the statement; Cancel does nothing.`;
  const out: AnalyzeConfirmation[] = [];
  if (risk.sideEffects.length) {
    out.push({
      message: `Explain Analyze would call ${risk.sideEffects.join(', ')}, whose effects outlive the rollback.`,
      detail: `${risk.sideEffectDetail}\n\n${choices}`,
      labels: { confirm: `Allow ${risk.sideEffects.join(', ')}`, keep },
    });
  }
  if (risk.needsConfirmation) {
    out.push({
      message: `Explain Analyze will EXECUTE this statement: ${risk.writes.join(', ')}.`,
      detail: `${risk.risk}\n\n${choices}`,
      labels: { confirm: 'Run it, then roll back', keep },
    });
  }
  return out;
}

/** The keeping button of Create index now: it runs nothing on the server and still gives the statement, to run elsewhere. */
const COPY_CREATE_INDEX = 'Copy CREATE INDEX';

/**
 * Create index now's confirmation (destructive: it changes a server): the index's DDL, and a keeping button that does
 * something of its own — copy the statement (for a migration, another server) — beside VS Code's Cancel, which does
 * nothing (person39 L2: "Create index / Cancel / Not now", two buttons that did the same).
 */
export function createIndexConfirmation(s: { ddl: string; table: string; needsExtension?: string }, profileName: string, withheld?: string, writes?: string): AnalyzeConfirmation {
  // The index advice withheld it for its write cost (issue 20, person48 H1'): said before the person confirms, in the
  // words of the hover, Problems, Suggest Indexes and `pg-lens advise`. Offered, though keeping it current costs a share
  // of its saving: that cost, in the words of the workload advice's note.
  const cost = withheld ? `PG Lens withheld it: ${withheld}.\n\n` : writes ? `Writes: ${writes}.\n\n` : '';
  return {
    message: `Create this index on ${profileName}?`,
    detail: `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};\n\n${cost}CONCURRENTLY: writes to ${s.table} continue while it builds.\n\n"${COPY_CREATE_INDEX}" copies the statement to run it yourself (a migration) and creates nothing; Cancel does nothing.`,
    labels: { confirm: 'Create index', keep: COPY_CREATE_INDEX },
  };
}
