/**
 * The proofs of real trial index builds (src/db/trialProofs.ts) kept across a window reload: each "Developer: Reload
 * Window" built every trial index again before, on unchanged tables (issue 20, person36 L7). Installed at activation,
 * before any connection opens, in the workspace's own storage (workspaceState): the proofs' keys hold the SQL text of this
 * workspace's code, which stays in this workspace's storage (removed with it) and never reaches another project's
 * window; a reload opens the same workspace, and two windows of different workspaces never overwrite each other's.
 * Bounded (the newest TRIAL_PROOFS_KEEP within TRIAL_PROOFS_KEEP_BYTES) and expiring (PROOF_TTL_MS, dropped on load).
 */
import type { PgLensContext } from './main';
import { keepTrialProofsIn } from '../db/trialProofs';
import { errorMessage } from '../core/safeText';

const TRIAL_PROOFS_KEY = 'pgLens.trialProofs';

export function registerTrialProofStore(ctx: PgLensContext): void {
  const state = ctx.extension.workspaceState;
  const loaded = keepTrialProofsIn({
    load: () => state.get<unknown>(TRIAL_PROOFS_KEY),
    save: (entries) => void Promise.resolve(state.update(TRIAL_PROOFS_KEY, entries)).catch((e: unknown) => ctx.log.warn(`could not keep the trial builds' proofs: ${errorMessage(e)}`)),
  });
  if (loaded) ctx.log.info(`Index advice: the proofs of real trial builds kept before the reload were read (${loaded}, made within the hour): a trial index on a table unchanged since is not built again.`);
  ctx.extension.subscriptions.push({ dispose: () => keepTrialProofsIn(undefined) });
}
