/**
 * The order the editor runs its full analyses in (open, save, settings, connection: the ones that cost database round
 * trips). One file must not starve the others (issue 20, person32 H1: a generated file of 3,000 statements, opened
 * first, kept every file without index advice for ~8 minutes, the demo's own customers.ts included):
 * - the document in the active editor starts at once, never behind a queue;
 * - the others wait for one of `slots` and start by rank (rankOf, asked when a slot frees: visible before the rest), then
 *   in the order they came;
 * - a document waiting already is not queued twice: the newer run replaces the waiting one, and both callers are
 *   answered when it has run.
 * Pure: the editor gives the ranks (vscode/analysis.ts).
 */

/** 0: the active editor's document; 1: shown in another editor; 2: not shown (a tab behind, a document VS Code holds). */
export type AnalysisRank = 0 | 1 | 2;

interface Waiting {
  run: () => Promise<void>;
  done: (() => void)[];
  seq: number;
}

export class AnalysisQueue {
  private running = 0;
  private seq = 0;
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly rankOf: (key: string) => AnalysisRank, private readonly slots = 1) {}

  /** Runs `fn` for the document `key` in its turn; settles when it ran (or when the run that replaced it ran). Never rejects. */
  run(key: string, fn: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      const w = this.waiting.get(key);
      if (w) {
        w.run = fn;
        w.done.push(resolve);
        return;
      }
      this.waiting.set(key, { run: fn, done: [resolve], seq: this.seq++ });
      this.pump();
    });
  }

  /** Documents waiting for a slot. */
  get pending(): number {
    return this.waiting.size;
  }

  /** The ranks may have changed (another editor is active): a document that may start now starts. */
  pump(): void {
    for (let next = this.next(); next; next = this.next()) this.start(next[0], next[1]);
  }

  private next(): [string, Waiting] | undefined {
    let best: { key: string; w: Waiting; rank: AnalysisRank } | undefined;
    for (const [key, w] of this.waiting) {
      const rank = this.rankOf(key);
      if (rank !== 0 && this.running >= this.slots) continue;
      if (!best || rank < best.rank || (rank === best.rank && w.seq < best.w.seq)) best = { key, w, rank };
    }
    return best && [best.key, best.w];
  }

  private start(key: string, w: Waiting): void {
    this.waiting.delete(key);
    this.running++;
    void (async () => {
      try {
        await w.run();
      } catch {
        // The run reports its own failures (analysis.ts logs them): the queue goes on.
      } finally {
        this.running--;
        w.done.forEach((d) => d());
        this.pump();
      }
    })();
  }
}
