/**
 * Updates for a consumer that takes them at its own pace (the editor's window: status bar, CodeLens, views): `run`
 * sends one, and the next is sent only once the consumer has answered a round trip made after it — however slow the
 * consumer, at most one update waits there, and requests made meanwhile become one update. person17 (load 14–36): the
 * figures were sent whenever the extension host could, the window fell minutes behind (the status bar counted on for
 * 3¾–5½ minutes after Stop) and Stop Recording, which reaches PG Lens through the same window, came minutes late.
 */
export class RoundTripGate {
  private waiting = false;
  private wanted = false;

  /**
   * `again`: what a request made while waiting becomes once the window has taken the last update (default: the update
   * at once; the editor's recording schedules it, so its own spacing between refreshes still holds).
   */
  constructor(private readonly run: () => void, private readonly roundTrip: () => PromiseLike<unknown>, private readonly again: () => void = () => this.request()) {}

  /** Send an update now, or once the consumer has taken the last one. */
  request(): void {
    if (this.waiting) {
      this.wanted = true;
      return;
    }
    this.waiting = true;
    this.run();
    const taken = (): void => {
      this.waiting = false;
      if (!this.wanted) return;
      this.wanted = false;
      this.again();
    };
    Promise.resolve(this.roundTrip()).then(taken, taken);
  }
}
