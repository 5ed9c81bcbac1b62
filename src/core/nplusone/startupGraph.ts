/**
 * Start-up code across files: a function that only start-up code calls runs once per boot, not once
 * per request (gin-vue-admin's plugin `RegisterApis`, called only from `plugin/*\/initialize/`;
 * dokploy's `initVolumeBackupsCronJobs`, called only from the server's start-up). Its N+1 findings
 * take the `script` context (run once), so they are capped like other one-off code.
 *
 * Learned from the project's own calls (the N+1 detector's per-file call facts), by name, bounded:
 *  - roots: Go `func init()`, and functions of files in an `initialize/`, `bootstrap/` or `startup/` folder
 *    (not Go `main`: it starts the tickers and workers that run per tick; not `setup/`: apps name
 *    per-request set-up actions so); calls made at module level (outside every named function, and not in
 *    a handler or scheduled callback — see `topCalls` in detect.ts);
 *  - a name is start-up only when it has callers and every one of them is start-up code, up to ROUNDS deep.
 * Go, TypeScript and JavaScript only (Python and Ruby start-up hooks are judged within their file).
 */
import type { Finding } from '../findings';
import { lineStarts, positionAt, SEVERITY_RANK } from '../findings';
import type { ContextPolicy } from '../codeContext';
import type { SourceLanguage } from '../syntax/treeSitter';
import type { FileCallFacts } from './detect';
import { RULE_ID } from './detect';

const ROUNDS = 6;
const FAMILIES = /^(go|typescript|tsx|javascript)$/;
// Not `setup/`: apps name remote-server set-up actions so (dokploy's server-setup runs per request).
const STARTUP_FOLDER = /(^|\/)(initialize|bootstrap|startup)\//;

interface Fn {
  file: string;
  name: string;
  line: number;
  endLine: number;
  callees: string[];
  root: boolean;
}

export class StartupGraph {
  private readonly fns: Fn[] = [];
  /** Names called at module level (start-up), per family. */
  private readonly top = new Set<string>();
  /** Per file, callbacks handed to schedulers and registries: they run per tick or event. */
  private readonly deferred = new Map<string, [number, number][]>();
  private startup: Set<string> | undefined;
  /** Line starts of the files read (to place findings in their functions). */
  private readonly starts = new Map<string, number[]>();

  add(file: string, language: SourceLanguage, facts: FileCallFacts, text: string): void {
    if (!FAMILIES.test(language)) return;
    if (facts.functions.length) this.starts.set(file, lineStarts(text));
    const go = language === 'go';
    const fam = go ? 'go' : 'js';
    for (const f of facts.functions) {
      this.fns.push({ file, name: `${fam}:${f.name}`, line: f.line, endLine: f.endLine ?? f.line, callees: f.callees.map((c) => `${fam}:${c}`), root: (go && f.name === 'init') || STARTUP_FOLDER.test(file) });
    }
    for (const c of facts.topCalls ?? []) this.top.add(`${fam}:${c}`);
    if (facts.deferred?.length) this.deferred.set(file, facts.deferred);
    this.startup = undefined;
  }

  /** Names whose every caller is start-up code. */
  private startupNames(): Set<string> {
    if (this.startup) return this.startup;
    const callers = new Map<string, Fn[]>();
    for (const f of this.fns) for (const c of new Set(f.callees)) callers.set(c, [...(callers.get(c) ?? []), f]);
    const startup = new Set<string>();
    const isStartup = (f: Fn) => f.root || startup.has(f.name);
    for (let round = 0; round < ROUNDS; round++) {
      let changed = false;
      for (const f of this.fns) {
        if (startup.has(f.name) || f.root) continue;
        const by = (callers.get(f.name) ?? []).filter((c) => c.name !== f.name);
        if ((by.length || this.top.has(f.name)) && by.every(isStartup) && (by.length > 0 || this.top.has(f.name))) {
          startup.add(f.name);
          changed = true;
        }
      }
      if (!changed) break;
    }
    this.startup = startup;
    return startup;
  }

  /** The innermost function of the file holding the line, when it is start-up code. */
  private startupAt(file: string, line: number): Fn | undefined {
    if (this.deferred.get(file)?.some(([a, b]) => a <= line && line <= b)) return undefined;
    let best: Fn | undefined;
    for (const f of this.fns) if (f.file === file && f.line <= line && line <= f.endLine && (!best || f.line >= best.line)) best = f;
    return best && (best.root || this.startupNames().has(best.name)) ? best : undefined;
  }

  /** N+1 findings in request or job code that sits in start-up-only functions take the `script` context. */
  adjust(findings: Finding[], policy: ContextPolicy): Finding[] {
    if (!this.fns.length) return findings;
    return findings.map((f) => {
      if (f.ruleId !== RULE_ID || (f.context !== 'request' && f.context !== 'job') || f.file === undefined) return f;
      const starts = this.starts.get(f.file);
      const fn = starts ? this.startupAt(f.file, positionAt(starts, f.span.start).line + 1) : undefined;
      if (!fn) return f;
      const cap = policy.script;
      return { ...f, context: 'script', severity: cap !== 'keep' && SEVERITY_RANK[f.severity] > SEVERITY_RANK[cap] ? cap : f.severity };
    });
  }
}
