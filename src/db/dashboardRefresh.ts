/**
 * One refresh of the live dashboard, as messages: the statistics and "connected", or
 * "disconnected" with one line when the server is gone. Nothing is torn down on failure: the pool
 * opens fresh sessions on the next refresh, so the panel recovers by itself when the server returns.
 */
import type { LiveStats } from '../core/dashboard/types';
import type { ToWebview } from '../shared/dashboardProtocol';
import { describeError } from './errors';
import type { StatsReader } from './stats';

export async function refreshStats(reader: Pick<StatsReader, 'read'>, post: (m: ToWebview) => void): Promise<LiveStats | undefined> {
  try {
    const stats = await reader.read();
    post({ type: 'status', state: 'connected' });
    post({ type: 'stats', stats });
    return stats;
  } catch (e) {
    post({ type: 'status', state: 'disconnected', message: describeError(e) });
    return undefined;
  }
}
