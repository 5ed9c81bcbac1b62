/**
 * What the Problems panel shows from workspace scans, across scans: a new scan replaces the previous scan's findings
 * file by file as it reaches them, never all at once when it starts. A scan that ends early (Cancel, a newer scan taking
 * over, a failure) gives back the previous scan's findings of the files it never reached, and of the files whose
 * findings needed the whole scan (cross-file N+1s, contexts from imports: a cut-short scan cannot make them), so a
 * cancelled rescan does not drop a finished scan's results (person16's app: 52 warnings → 4 after Scan, Scan, Cancel).
 * A scan that finishes drops the previous findings of the files it did not read (deleted, now excluded) — its own
 * findings only: a file whose findings include a recording's (a template the scan never reads, person17's
 * book_list.html) is given back to be checked again by the analyzers whose findings outlive the document (`recheck`),
 * never dropped, so a scan replaces static findings and a recording's stay until the recording is cleared or replaced.
 *
 * `D` is whatever the editor shows for a file (its diagnostics); keys are the files' URIs.
 */
export class ScanShown<D> {
  /** The previous scan's results, per file, while a scan runs. */
  private previous = new Map<string, D>();
  /** Files whose previous results came from the whole-scan passes. */
  private previousWhole = new Set<string>();
  /** Files the running scan (or a check of a closed file meanwhile) has shown anew. */
  private readonly reached = new Set<string>();
  /** Files the last finished scan showed with findings that needed every file (kept for the next scan's start). */
  private whole = new Set<string>();
  private running = false;
  /** Files of `previous` whose findings include a recording's (start's `recorded`). */
  private previousRecorded = new Set<string>();

  /**
   * A scan starts; `shown`: the scan results shown now (file → what is shown); `recorded`: which of them hold findings
   * of a recording (they outlive a scan that does not read the file).
   */
  start(shown: Iterable<readonly [string, D]>, recorded: (key: string) => boolean = () => false): void {
    this.previous = new Map(shown);
    this.previousRecorded = new Set([...this.previous.keys()].filter(recorded));
    this.previousWhole = new Set([...this.whole].filter((k) => this.previous.has(k)));
    this.whole = new Set();
    this.reached.clear();
    this.running = true;
  }

  /** The running scan showed this file anew (its findings, or none). `wholeScan`: from the passes that need every file. */
  reach(key: string, opts: { wholeScan?: boolean } = {}): void {
    if (!this.running) return;
    this.reached.add(key);
    if (opts.wholeScan) this.whole.add(key);
  }

  /**
   * The scan ended. Finished: the previous results of files it did not read, to drop — or, holding a recording's
   * findings, to check again with the recording's analyzers (`recheck`: shown as they are until then). Cut short: the
   * previous results to show again (files it never reached, and files whose previous findings needed the whole scan),
   * and nothing dropped.
   */
  end(opts: { finished: boolean }): { restore: [string, D][]; drop: string[]; recheck: string[] } {
    if (!this.running) return { restore: [], drop: [], recheck: [] };
    this.running = false;
    const out: { restore: [string, D][]; drop: string[]; recheck: string[] } = { restore: [], drop: [], recheck: [] };
    for (const [k, d] of this.previous) {
      if (opts.finished) {
        if (!this.reached.has(k)) (this.previousRecorded.has(k) ? out.recheck : out.drop).push(k);
      } else if (!this.reached.has(k) || this.previousWhole.has(k)) out.restore.push([k, d]);
    }
    // Cut short: the files given back keep their whole-scan mark for the next scan.
    if (!opts.finished) for (const [k] of out.restore) if (this.previousWhole.has(k)) this.whole.add(k);
    this.previous = new Map();
    this.previousWhole = new Set();
    this.previousRecorded = new Set();
    this.reached.clear();
    return out;
  }
}

/**
 * What the editor analyses a document or a file with (analysis.ts): `all` the analyzers — an open document of a
 * language PG Lens reads, or a file as Scan Workspace reads it once a scan ran; `outliving` — only the analyzers whose
 * findings come from evidence outside the file (a recording's), for any other file: a template (person17's
 * book_list.html, genre_detail.html) has no live analysis of its own, yet its recorded N+1 must follow its text (an
 * ignore comment written into it silences it at once) and a scan, which does not read it, must not take it away;
 * `none` when no analyzer has anything to say. `inTab`: shown in a tab whose document VS Code has not loaded (a
 * background tab after the window reopened): analysed from its file as an open document of its kind would be, all the
 * analyzers for a source file PG Lens reads (person38 L6: products.ts's offset-pagination came back only when its tab
 * was focused; its recorded findings alone were shown).
 */
export function analysisOf(file: { editorLanguage: boolean; open: boolean; readByScan: boolean; inTab?: boolean }, state: { scanRan: boolean; outliving: boolean }): 'all' | 'outliving' | 'none' {
  if (file.open && file.editorLanguage) return 'all';
  if (file.inTab && file.readByScan) return 'all';
  if (state.scanRan && file.readByScan) return 'all';
  return state.outliving ? 'outliving' : 'none';
}
