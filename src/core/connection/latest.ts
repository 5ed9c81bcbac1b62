/**
 * Requests where the last one wins at once (Select Connection, Add Connection, Reconnect, Disconnect): a request that
 * finishes after a later one began is stale, and its result is dropped (a connection made for it is closed unused).
 * person11 Q6: a Disconnect given while Select Connection's connect was in flight took effect only after that connect.
 */
export class LatestRequest {
  private n = 0;
  /** A new request: every earlier one becomes stale. */
  begin(): number {
    return ++this.n;
  }
  /** Whether `request` is still the latest (its result may be applied). */
  isLatest(request: number): boolean {
    return request === this.n;
  }
}
