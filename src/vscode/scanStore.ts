/**
 * Scan Workspace's findings of files that are not open, kept across a window reload (person50 L-F: after Reload Window
 * they were gone from the Problems panel until the scan ran again; the open files got theirs back from the editor's
 * analysis). Kept as the trial builds' proofs are (trialProofStore.ts): in the workspace's own storage (workspaceState —
 * the findings quote this workspace's code, and a reload opens the same workspace), saved a few seconds after the scan
 * results change, bounded (core/scanKept MAX_KEPT_SCAN_BYTES). Read back once, when the window opens, only for the files
 * unchanged since they were analysed (size and modification time, and the content's hash: core/scanKept
 * unchangedScanFiles, the rule a kept recording's files are read back by); a file changed since is analysed again from
 * its saved text, as a closed file is after a scan, so none of its old findings is shown. Open files keep their live
 * analysis (one finding each: the pipeline's de-duplication, analysis.ts showKeptScan).
 */
import * as vscode from 'vscode';
import type { PgLensContext } from './main';
import { errorMessage } from '../core/safeText';
import { countOf } from '../core/format';

const SCAN_RESULTS_KEY = 'pgLens.scanResults';
const SAVE_AFTER_MS = 1000;
/** Files stated or read at a time when the kept results are read back or saved. */
const BATCH = 50;

export function registerScanStore(ctx: PgLensContext): void {
  const state = ctx.extension.workspaceState;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Nothing is saved before the kept results were read back (the window's first, empty, state would replace them).
  let restored = false;
  let changedMeanwhile = false;
  let disposed = false;

  const save = async (): Promise<void> => {
    timer = undefined;
    const now = ctx.analysis.scanResults();
    // A window where no scan ran (and none was read back) has no scan results to keep: what is stored stays.
    if (!now.ran) return;
    const { keepScan, MAX_KEPT_SCAN_BYTES } = await import('../core/scanKept');
    const files: import('../core/scanKept').KeptScanFile[] = [];
    for (let i = 0; i < now.files.length; i += BATCH) {
      const stats = await Promise.all(now.files.slice(i, i + BATCH).map(async (f) => ({ f, st: await Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(f.path))).catch(() => undefined) })));
      for (const { f, st } of stats) if (st) files.push({ path: f.path, size: st.size, mtime: st.mtime, ...(f.hash !== undefined ? { hash: f.hash } : {}), findings: [...f.findings] });
    }
    const kept = keepScan(files, { at: Date.now(), target: now.target });
    if (kept.left) ctx.log.info(`scan: the findings of ${countOf(kept.left, 'file')} are not kept across a reload (over ${MAX_KEPT_SCAN_BYTES / 1e6} MB kept); Scan Workspace after the reload shows them again`);
    await Promise.resolve(state.update(SCAN_RESULTS_KEY, kept.files.length ? kept : undefined)).catch((e: unknown) => ctx.log.warn(`could not keep the workspace scan's findings: ${errorMessage(e)}`));
  };

  const schedule = (): void => {
    if (disposed) return;
    if (!restored) return void (changedMeanwhile = true);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void save().catch((e: unknown) => ctx.log.warn(`could not keep the workspace scan's findings: ${errorMessage(e)}`)), SAVE_AFTER_MS);
  };

  const restore = async (): Promise<void> => {
    const [{ restoreScan, unchangedScanFiles }, { shortHash }, { readSourceText }] = await Promise.all([import('../core/scanKept'), import('../core/hash'), import('../node/walk')]);
    const kept = restoreScan(state.get<unknown>(SCAN_RESULTS_KEY));
    if (!kept?.files.length) return;
    // Each kept file as it is now: its size and time, and its text (the findings' positions, and its hash).
    const texts = new Map<string, string>();
    const now = new Map<string, { size: number; mtime: number; hash?: string } | undefined>();
    const maxBytes = ctx.config.maxFileSizeKb * 1024;
    for (let i = 0; i < kept.files.length; i += BATCH) {
      await Promise.all(kept.files.slice(i, i + BATCH).map(async (f) => {
        const st = await Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(f.path))).catch(() => undefined);
        const text = st ? await readSourceText(f.path, maxBytes) : undefined;
        if (text !== undefined) texts.set(f.path, text);
        now.set(f.path, st && { size: st.size, mtime: st.mtime, ...(text !== undefined ? { hash: shortHash(text) } : {}) });
      }));
      if (disposed) return;
    }
    const { show, changed, gone } = unchangedScanFiles(kept, now);
    const files = show.flatMap((f) => (texts.has(f.path) ? [{ uri: vscode.Uri.file(f.path), text: texts.get(f.path)!, findings: f.findings }] : []));
    const shown = ctx.analysis.showKeptScan(files, { target: kept.target, changed: changed.map((p) => vscode.Uri.file(p)) });
    const findings = files.reduce((n, f) => n + f.findings.length, 0);
    ctx.log.info(`scan: the workspace scan's findings kept from before the reload (${new Date(kept.at).toLocaleString()}): ${countOf(findings, 'finding')} of ${countOf(shown, 'file')} unchanged since shown again${changed.length ? `; ${countOf(changed.length, 'file')} changed since analysed again (none of their old findings shown)` : ''}${gone.length ? `; ${countOf(gone.length, 'file')} gone` : ''}${kept.left ? `; ${countOf(kept.left, 'file')} not kept (over the bound): Scan Workspace shows them` : ''}.`);
  };

  ctx.extension.subscriptions.push(ctx.analysis.onDidChangeScanResults(schedule), {
    dispose: () => {
      disposed = true;
      // A change not saved yet (a reload within a second of a scan's end): saved now, as far as the window lets it.
      if (timer) {
        clearTimeout(timer);
        void save().catch(() => undefined);
      }
    },
  });
  void restore()
    .catch((e: unknown) => ctx.log.warn(`could not read the workspace scan's kept findings: ${errorMessage(e)}`))
    .finally(() => {
      restored = true;
      if (changedMeanwhile) schedule();
    });
}
