/**
 * The index advice the editor keeps per statement (its SQL text → its decided advice: what diagnostics, hovers and the
 * plan viewer's tips read), which tells who waits for a statement's answer the moment a decision sets it. The plan panel's
 * tip "Checking whether an index helps …" is answered in place then; before, the panel looked every second while it
 * waited (issue 20). Every path that keeps a decision's advice (the analyzer's findings, keepDecision, a recorded
 * statement's decision) sets it here, so none is missed.
 */
export class KeptAdvice<V> extends Map<string, V> {
  // Set up lazily: Map's constructor may call set() before this class's fields exist.
  private listeners: Set<(sql: string) => void> | undefined;

  override set(sql: string, advice: V): this {
    super.set(sql, advice);
    for (const l of this.listeners ?? []) l(sql);
    return this;
  }

  /** `listener` is called with a statement's SQL text each time its advice is set; dispose() stops it. */
  onSet(listener: (sql: string) => void): { dispose(): void } {
    (this.listeners ??= new Set()).add(listener);
    return { dispose: () => void this.listeners?.delete(listener) };
  }
}
