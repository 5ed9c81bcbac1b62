/**
 * Context from how a module is reached: a module of request-looking code that only one-off code
 * imports (management commands, scripts, seeds, importers, migrations) runs where they run
 * (`timeline/rebuilder.py`, imported only by a `rebuild_timeline` command, is a script, not request
 * code). Learned from the project's own import statements (Python, JavaScript/TypeScript) and, in Ruby, from the
 * files that name a class (`BackfillFollowupableService`, named only by a rake task: a script); a module nobody
 * imports, or one imported by request or job code, keeps the context of its path.
 *
 * Pure: fed file paths and texts, no file system.
 */
import { codeContextForImports, DEFAULT_CONTEXT_POLICY, inContext, isServerEntry, type CodeContext, type ContextPolicy } from './codeContext';
import type { Finding } from './findings';

const ONE_OFF: ReadonlySet<CodeContext> = new Set(['script', 'seed', 'migration']);
const ROUNDS = 4;
/** A rake task run once: a dated file (`20240416171009_backfill_….rake`) or a folder of deployment/data tasks. */
const ONE_OFF_RAKE = /(^|\/)(deployment|deploy|after_party|one[-_]?off|one[-_]?time|data[-_]?migrations?|backfills?|data)\/|(^|\/)\d{8,}[-_][^/]*\.rake$/i;
/**
 * A module that serves requests by its own text: it builds a web app (`FastAPI(…)`, `Flask(…)`, `Starlette(…)`) or declares
 * routes (`@router.get("/…")`, `@bp.route(…)`, `app.include_router(…)`, Express `router.post('/…', …)`, NestJS
 * `@Controller(…)`). The server reaches it by its own start command (`uvicorn tracecat.api.app:app`), not by an import.
 */
const SERVES_REQUESTS = /^[ \t]*@(?:[A-Za-z_]\w*\.)+(?:get|post|put|patch|delete|api_route|websocket|route)\(|^[ \t]*@Controller\(|\b(?:FastAPI|Flask|Starlette|Quart|Sanic)\(|\.include_router\(|\b(?:router|app|api)\.(?:get|post|put|patch|delete)\(\s*['"`]\//m;
const JS_EXT = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js'];

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}

function joinPath(dir: string, rel: string): string {
  const out = dir ? dir.split('/') : [];
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

export class ImportGraph {
  private readonly files = new Map<string, CodeContext>();
  /** importer → the path candidates each import may name (exact paths, or `/suffix` to match the end). */
  private readonly wanted = new Map<string, string[][]>();
  /** Ruby: the classes each file defines, and the constants each file names (Ruby has no imports: a class is reached by its name). */
  private readonly rubyClasses = new Map<string, string[]>();
  private readonly rubyNames = new Map<string, Set<string>>();
  /** Modules that serve requests by their own text (SERVES_REQUESTS): never one-off code by who imports them. */
  private readonly serving = new Set<string>();

  add(file: string, text: string): void {
    const path = file.replace(/\\/g, '/');
    // A rake task that is not one-off by its path (a reminder `lib/tasks/court_report_due_reminder.rake`) may run on a
    // schedule: what it names keeps its own context. One-off tasks (a dated file, `deployment/`, `after_party/`) pass theirs on.
    // A bin/ program that starts the server passes request context on, though it is a script by its folder (isServerEntry).
    this.files.set(path, /\.rake$/.test(path) && !ONE_OFF_RAKE.test(path) ? 'job' : isServerEntry(path, text) ? 'request' : codeContextForImports(path, text));
    if (/\.(py|(m|c)?[jt]sx?)$/.test(path) && SERVES_REQUESTS.test(text)) this.serving.add(path);
    const imports: string[][] = [];
    if (/\.py$/.test(path)) {
      // `from x import a, b` and `from x import (\n    a,\n    b,\n)` over several lines.
      for (const m of text.matchAll(/^[ \t]*from\s+(\.*)([\w.]*)\s+import\s+(?:\(([^)]*)\)|([^\n#]+))/gm)) {
        const base = m[1] ? joinPath(dirOf(path), '../'.repeat(m[1].length - 1)) : '';
        const mod = m[2].replace(/\./g, '/');
        const names = (m[3] ?? m[4]).replace(/#[^\n]*/g, '').split(',').map((s) => s.trim().split(/\s+/)[0]).filter((s) => /^\w+$/.test(s));
        const cands = (p: string) => (m[1] ? [joinPath(base, p)] : ['/' + p]);
        const list = [...(mod ? cands(mod + '.py').concat(cands(mod + '/__init__.py')) : [])];
        for (const n of names) list.push(...cands((mod ? mod + '/' : '') + n + '.py'));
        imports.push(list);
      }
      for (const m of text.matchAll(/^[ \t]*import\s+([\w.]+)/gm)) imports.push(['/' + m[1].replace(/\./g, '/') + '.py']);
    } else if (/\.(rb|rake)$/.test(path)) {
      // A Rails controller is reached by the router (`resources :submissions`), never by its name: a spec or a migration
      // that names it (`SubmissionsController` in a dated migration) is no caller (issue 14, rules-t: CodeOcean's
      // submissions list was taken for migration code).
      const classes = [...text.matchAll(/^[ \t]*class\s+(?:[A-Z]\w*::)*([A-Z]\w*)/gm)].map((m) => m[1]).filter((c) => !/Controller$/.test(c));
      if (classes.length) this.rubyClasses.set(path, classes);
      this.rubyNames.set(path, new Set(text.replace(/^[ \t]*#[^\n]*/gm, '').match(/\b[A-Z]\w*/g) ?? []));
    } else if (/\.(m|c)?[jt]sx?$/.test(path)) {
      for (const m of text.matchAll(/\b(?:from|import|require\(|import\()\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (spec.startsWith('.')) imports.push(['', ...JS_EXT].map((e) => joinPath(dirOf(path), spec) + e));
        else if (/^(@|~)\//.test(spec) || spec.startsWith('src/')) imports.push(JS_EXT.map((e) => '/' + spec.replace(/^(@|~)\//, '') + e));
        else if (/^@[\w-]+\/[\w-]+\/./.test(spec)) {
          // A workspace package of the monorepo: `@scope/lib/server/x` → …/lib/server/x or …/lib/src/server/x.
          const [, pkg, ...rest] = spec.split('/');
          imports.push(JS_EXT.flatMap((e) => [`/${pkg}/${rest.join('/')}${e}`, `/${pkg}/src/${rest.join('/')}${e}`]));
        }
      }
    }
    if (imports.length) this.wanted.set(path, imports);
  }

  /** Files whose context differs from their path's: reached only from one-off code. */
  contexts(): Map<string, CodeContext> {
    const byBase = new Map<string, string[]>();
    for (const f of this.files.keys()) {
      const base = f.slice(f.lastIndexOf('/') + 1);
      byBase.set(base, [...(byBase.get(base) ?? []), f]);
    }
    const resolve = (cand: string): string | undefined => {
      if (!cand.startsWith('/')) return this.files.has(cand) ? cand : undefined;
      const same = byBase.get(cand.slice(cand.lastIndexOf('/') + 1)) ?? [];
      return same.find((f) => ('/' + f).endsWith(cand));
    };
    const importers = new Map<string, Set<string>>();
    for (const [from, list] of this.wanted) {
      for (const cands of list) {
        for (const c of cands) {
          const target = resolve(c);
          if (target && target !== from) (importers.get(target) ?? importers.set(target, new Set()).get(target)!).add(from);
        }
      }
    }
    // Ruby: the files naming a class defined in one file only (`BackfillFollowupableService.new…` in a rake task).
    const definedIn = new Map<string, string[]>();
    for (const [file, classes] of this.rubyClasses) for (const c of classes) definedIn.set(c, [...(definedIn.get(c) ?? []), file]);
    for (const [from, names] of this.rubyNames) {
      for (const n of names) {
        const files = definedIn.get(n);
        if (files?.length === 1 && files[0] !== from) (importers.get(files[0]) ?? importers.set(files[0], new Set()).get(files[0])!).add(from);
      }
    }
    const ctx = new Map(this.files);
    const out = new Map<string, CodeContext>();
    for (let round = 0; round < ROUNDS; round++) {
      let changed = false;
      for (const [file, by] of importers) {
        const own = ctx.get(file);
        // A module of route handlers (or the web app itself) serves requests, though only a one-off program imports it
        // (held-out-aw Tracecat: `scripts/openapi/generate_openapi.py` imports the FastAPI app, which imports every router).
        if ((own !== 'request' && own !== 'job') || this.serving.has(file)) continue;
        const seen = [...by].map((f) => ctx.get(f) ?? 'request');
        if (!seen.every((c) => ONE_OFF.has(c) || c === 'test')) continue;
        const oneOff = seen.filter((c) => ONE_OFF.has(c));
        if (!oneOff.length) continue;
        const pick = oneOff.includes('script') ? 'script' : oneOff.includes('seed') ? 'seed' : 'migration';
        ctx.set(file, pick);
        out.set(file, pick);
        changed = true;
      }
      if (!changed) break;
    }
    return out;
  }
}

/** Findings of files reached only from one-off code take that context, and its severity cap (new objects). */
export function applyImportContexts(findings: readonly Finding[], overrides: Map<string, CodeContext>, policy: ContextPolicy = DEFAULT_CONTEXT_POLICY): Finding[] {
  if (!overrides.size) return [...findings];
  return findings.map((f) => {
    const context = f.file !== undefined ? overrides.get(f.file.replace(/\\/g, '/')) : undefined;
    if (!context || f.context === context) return f;
    return inContext(f, context, policy);
  });
}
