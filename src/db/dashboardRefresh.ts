/**
 * One refresh of the live dashboard, as messages: the statistics and "connected", or
 * "disconnected" with one line when the server is gone. Nothing is torn down on failure: the pool
 * opens fresh sessions on the next refresh, so the panel recovers by itself when the server returns.
 */
import type { LiveStats } from '../core/dashboard/types';
import { describeError } from './errors';
import type { StatsReader } from './stats';

/** What a refresh says (a subset of the dashboard protocol's messages; db does not import the protocol). */
export type RefreshMessage =
  | { type: 'status'; state: 'connected' | 'disconnected'; message?: string }
  | { type: 'stats'; stats: LiveStats; hidden?: boolean; opened?: boolean };

export async function refreshStats(reader: Pick<StatsReader, 'read'>, post: (m: RefreshMessage) => void, opts: { hidden?: boolean; opened?: boolean } = {}): Promise<LiveStats | undefined> {
  try {
    const stats = await reader.read();
    post({ type: 'status', state: 'connected' });
    post({ type: 'stats', stats, ...(opts.hidden ? { hidden: true } : {}), ...(opts.opened ? { opened: true } : {}) });
    return stats;
  } catch (e) {
    post({ type: 'status', state: 'disconnected', message: describeError(e) });
    return undefined;
  }
}
