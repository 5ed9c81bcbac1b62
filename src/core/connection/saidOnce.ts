/**
 * A connection failure is toasted once (person20 LOW 1: "No PostgreSQL is listening at localhost:5432" twice for one
 * click — the connect attempt said it, then the command that asked for the connection said it again). Every toast of a
 * connection's failure asks here first: the same text is said again only after a new connect attempt began.
 */
export class SaidOnce {
  private said = new Set<string>();

  /** Whether to show `text` now (and, if so, it counts as said). */
  say(text: string): boolean {
    if (this.said.has(text)) return false;
    this.said.add(text);
    return true;
  }

  /** A new connect attempt: its failure is news again. */
  reset(): void {
    this.said = new Set();
  }
}
