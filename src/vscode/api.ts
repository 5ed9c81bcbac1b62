/** The small typed API activate() returns (used by integration tests and other extensions). */
export interface PgLensApi {
  /** The active connection's profile name, or undefined when not connected. */
  activeProfileName(): string | undefined;
  /** Resolves when the initial connection attempt (if any) has finished. */
  ready: Promise<void>;
}
