/**
 * Documents whose last tab closed while VS Code still holds them (it keeps a closed document for minutes): their findings
 * stay in the Problems panel until VS Code lets go, so a reconnect, a settings change or a new catalog checks them
 * again — but as an edit's run checks a document (AnalyzerInput.editing): with the index advice already decided, never
 * deciding it again. A full run asked for such a document is owed, and made when a tab shows it again (person31 H2: a
 * reconnect decided a closed 3,000-statement file again, thousands of real trial builds; skipping those documents left a
 * stale missing-index problem after Create index now, e2e 05).
 *
 * Keys are the documents' URIs; `shown` is the set of URIs a tab shows now (checked against the tabs as they are: a
 * preview tab reused, a tab moved to another group).
 */
export class ClosedTabs {
  /** Documents whose last tab closed. */
  private readonly closed = new Set<string>();
  /** Of those, the ones a full run was asked for meanwhile (made as a check). */
  private readonly owed = new Set<string>();
  /** Of those, the ones whose next full run is made: the advice's rights changed (rightsChanged), or it was forgotten (adviceForgotten). */
  private readonly decideOnce = new Set<string>();

  /**
   * The rights the advice is decided with changed — another profile of the database, production ↔ development, or another
   * role — not a reconnect: each closed document's next full run is made, once, so its advice is the new profile's
   * (person32 M1: back from production, closed files kept its "(not verified)" advice where development proves it).
   */
  rightsChanged(): void {
    for (const k of this.closed) this.decideOnce.add(k);
  }

  /**
   * The advice decided so far was forgotten (Clear Recorded Queries: the decisions the recording weighed in on are made
   * again): a check would show none of it, so each closed document's next full run is made, once, as a closed file's is
   * (e2e 75 alone: src/orders.ts, its tab closed minutes before, lost both missing-index findings the scan had shown).
   */
  adviceForgotten(): void {
    this.rightsChanged();
  }

  /** Tabs closed: those of `keys` no tab shows now are closed documents. */
  tabsClosed(keys: Iterable<string>, shown: ReadonlySet<string>): void {
    for (const k of keys) if (!shown.has(k)) this.closed.add(k);
  }

  /** Tabs opened or changed: these documents are shown again. Returns those whose full run is owed (to make now). */
  tabsShown(keys: Iterable<string>): string[] {
    const due: string[] = [];
    for (const k of keys) {
      if (!this.closed.delete(k)) continue;
      if (this.owed.delete(k)) due.push(k);
    }
    return due;
  }

  /** VS Code opened or let go of the document: nothing is known of its tabs. */
  forget(key: string): void {
    this.closed.delete(key);
    this.owed.delete(key);
    this.decideOnce.delete(key);
  }

  /**
   * The run a document gets when `full` (a decision) was asked: 'full' for a document a tab shows (or that never lost its
   * tab), 'check' for one whose last tab closed — its full run is then owed.
   */
  run(key: string, full: boolean, shown: ReadonlySet<string>): 'full' | 'check' {
    if (!full) return 'check';
    if (!this.closed.has(key)) return 'full';
    if (shown.has(key)) {
      this.forget(key);
      return 'full';
    }
    // Owed until a full run's findings are shown (decidedShown): a connection's change comes as two events (connecting,
    // connected), and the first run's result was dropped as stale while the second, a check on a new, empty advice
    // state, showed no proved advice (ui32's scan-free step for person32 M1: "last seen: none").
    if (this.decideOnce.has(key)) return 'full';
    this.owed.add(key);
    return 'check';
  }

  /** A full run's findings of this document were shown: the decision the rights' change owed it is made. */
  decidedShown(key: string): void {
    this.decideOnce.delete(key);
  }
}
