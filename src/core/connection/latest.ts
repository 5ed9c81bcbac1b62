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

/** What the connection is doing when the connection settings change. */
export interface ConnectionState {
  /** The open connection's key (its profile and session settings), if any. */
  active?: string;
  /**
   * A connect in flight: the key it connects with (undefined while it is still reading the settings), and whether the
   * settings chose it (the window's start, an earlier settings change) or a person did (Select or Add Connection, which
   * write the settings once connected).
   */
  inFlight?: { key?: string; fromSettings: boolean };
  /** The person disconnected (PG Lens: Disconnect): nothing reconnects on its own until Reconnect. */
  disconnectedByUser: boolean;
}

/**
 * What a change of the connection settings does, `wanted` being the key of what the settings name now: 'keep' the open
 * connection (or the connect in flight), or 'reconnect' to what they name — abandoning a connect the settings chose
 * before this change. A window's start can hand the extension its settings in two goes (VS Code in a browser reads a
 * remote folder's settings from a cache first, the file a moment later; the user's likewise): the first connect, chosen
 * from the first go and still in flight when the second arrived, was joined instead of replaced, and the window stayed
 * on the database another folder chose (e2e step 53, fresh-clone CI of session 12).
 */
export function onSettingsChange(state: ConnectionState, wanted: string | undefined): 'keep' | 'reconnect' {
  const f = state.inFlight;
  if (f) {
    // A person's choice in flight wins (it writes the settings when it connects); a connect still reading the settings
    // reads them after this change.
    if (!f.fromSettings || f.key === undefined) return 'keep';
    return f.key === wanted ? 'keep' : 'reconnect';
  }
  if (state.active === undefined && state.disconnectedByUser) return 'keep';
  return state.active !== undefined && state.active === wanted ? 'keep' : 'reconnect';
}

/**
 * The key of a connection (ConnectionState's): the profile's fields whatever their order, and the session settings. Add
 * Connection connects with the profile as typed (host first) and then writes it to settings, read back name first: keyed
 * by the object's order, the settings change PG Lens itself wrote named "another" profile, and the connection just made
 * was closed and made again (verify34/35: "Disconnected from shop prod" 5 s after connecting, and a log line for each
 * statement the closed connection was planning).
 */
export function connectionKey(profile: object, statementTimeoutMs: unknown, lockTimeoutMs: unknown): string {
  const fields = Object.entries(profile).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([fields, statementTimeoutMs, lockTimeoutMs]);
}
