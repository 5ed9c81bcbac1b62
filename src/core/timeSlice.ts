/**
 * Long work in the editor's extension host gives the event loop a turn once a slice of time has passed (perf20: the
 * workspace read for cross-file N+1s awaited only promises that were already settled, so for all of its 167 s on
 * Traduora no command, hover or Add Connection could run). `await slice.turn()` between items: a setImmediate turn
 * when `ms` have passed since the last one, nothing otherwise (cheap to call per item).
 */
export class TimeSlice {
  private since = performance.now();

  constructor(private readonly ms = 20) {}

  async turn(): Promise<void> {
    if (performance.now() - this.since < this.ms) return;
    await new Promise<void>((r) => setImmediate(r));
    this.since = performance.now();
  }
}
