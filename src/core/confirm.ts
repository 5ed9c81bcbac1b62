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
