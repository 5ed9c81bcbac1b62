/** The N+1 detector as a scan analyzer (core/scan.ts): `pg-lens scan` and Scan Workspace run it per file. */
import { scanFiles, type Analyzer, type FileInput } from '../scan';
import type { RuleMeta } from '../rules/types';
import type { Finding } from '../findings';
import { OTHER_RULES } from '../rules/others';
import { RULE_ID } from './ruleId';
import { analyzeNPlusOne } from './detect';
import { CrossFileCalls } from './crossFile';
import { languageOf } from '../languages/registry';
import { RAILS_VIEW, RailsViews } from './views';
import { DrfViews } from './drfViews';
import { JINJA_TEMPLATE, JinjaViews } from './jinjaViews';
import { StartupGraph } from './startupGraph';
import { PerObjectScope } from './perObject';
import { ClientDocuments, GRAPHQL_DOCUMENT } from './clientDocuments';
import { GraphqlRubyFields } from './graphqlRuby';
import { isMinified } from '../minified';
import { withPerParent, type PerParentSource } from './perParent';

const N_PLUS_ONE_META: RuleMeta = OTHER_RULES.find((r) => r.id === RULE_ID) ?? {
  id: RULE_ID, defaultSeverity: 'warning', description: 'A query inside a loop: one round trip per item instead of one query for all.',
};

export interface NPlusOneOptions {
  /** Files another view already shows live (the editor's open documents). */
  skip?: (file: string) => boolean;
  /**
   * The workspace's cross-file index (what every file defines and calls in loops). A scan fills the one given (the
   * editor keeps it); `live`: the files analysed are read again after that scan (the editor's open documents, a file
   * closed after it) — each replaces its facts in the index and gets its cross-file findings with its own, judged
   * against every other file as the scan read them. Without it, an open file's own analysis could not see a callee
   * in another file and replaced the scan's result: person9 P23, Problems 20 → 19 on opening listmonk's campaigns.go.
   */
  workspace?: { index: CrossFileCalls; live: boolean };
  /**
   * A connected database's rows per parent (db/perParent.ts): a loop over one parent's children is a warning with the figure
   * at `threshold` rows per parent or more (pgLens.nPlusOne.manyPerParent, --many-per-parent), info with it below.
   */
  perParent?: { source: PerParentSource; threshold?: number; onError?: (message: string) => void };
}

export function nPlusOneAnalyzer(opts: NPlusOneOptions = {}): Analyzer {
  // Calls in loops to functions of other files that query: judged once every file is read.
  const cross = opts.workspace?.index ?? new CrossFileCalls();
  const live = opts.workspace?.live === true;
  // Implicit N+1 in Rails views (per-item association reads the controller did not preload).
  const views = new RailsViews();
  // Implicit N+1 in Django REST framework list views (relations the serializer reads that the queryset does not preload).
  const drf = new DrfViews();
  // Implicit N+1 in Jinja templates (Flask, Quart, FastAPI): relationships read per item that the view's query did not load.
  const jinja = new JinjaViews();
  // Functions only start-up code calls (Go, TypeScript): their findings run once per boot.
  const startup = new StartupGraph();
  // Resolvers of GraphQL types no list reaches, serializers built for one object or preloaded by every user: not per object.
  const perObject = new PerObjectScope();
  // Strawberry resolvers the repository's own client never asks under a list: once per request.
  const client = new ClientDocuments();
  // graphql-ruby fields with no resolver of their own reading an association per parent (`field :author, Types::UserType`).
  const rubyFields = new GraphqlRubyFields();
  // Rows per parent from the database, before the code context's policy caps the level (scanFiles applies it after).
  const pp = opts.perParent;
  const withRows = async (findings: Finding[]) => (pp ? withPerParent(findings, pp.source, pp.threshold, pp.onError) : findings);
  return {
    id: RULE_ID,
    rules: [N_PLUS_ONE_META],
    async analyze({ text, language, file, source, contextPath }) {
      // Rails templates: read with their controller and models once every file is in.
      if (RAILS_VIEW.test(file)) {
        views.addView(file, text);
        return [];
      }
      // Jinja templates: read with the views that render them and the models once every file is in.
      if (JINJA_TEMPLATE.test(file)) {
        jinja.addTemplate(file, text);
        return [];
      }
      // A client's GraphQL documents: which resolver fields it asks under a list.
      if (GRAPHQL_DOCUMENT.test(file)) {
        client.addDocument(text);
        return [];
      }
      const lang = languageOf(language);
      if (!lang) return [];
      if (lang === 'ruby') {
        views.addRuby(file, text);
        rubyFields.addRuby(file, text);
      }
      if (lang === 'python') {
        drf.addPython(file, text);
        jinja.addPython(file, text);
        perObject.addPython(file, text);
        client.addPython(text);
      }
      if (lang === 'typescript' || lang === 'tsx' || lang === 'javascript') {
        perObject.addTypeScript(text);
        client.addScript(text);
      }
      const r = await analyzeNPlusOne(text, language, file, source, contextPath);
      startup.add(file, lang, r.facts, text, contextPath);
      if (live) {
        cross.replace(file, lang, r.facts, contextPath);
        return opts.skip?.(file) ? [] : withRows([...r.findings, ...cross.findings(new Set([file]))]);
      }
      cross.add(file, lang, r.facts, contextPath);
      return opts.skip?.(file) ? [] : withRows(r.findings);
    },
    adjust: (findings, policy) => client.adjust(perObject.adjust(startup.adjust(cross.adjust(findings), policy))),
    // A loop in a command a server runs per connection (StartupGraph.servedCommand) is request code, whatever its text says.
    finish: async () => withRows([...(live ? [] : cross.findings().map((f) => (f.file !== undefined && startup.servedCommand(f.file) ? { ...f, context: 'request' as const } : f))), ...(await views.findings()), ...drf.findings(), ...(await jinja.findings()), ...rubyFields.findings()].filter((f) => !opts.skip?.(f.file ?? ''))),
  };
}

/**
 * The workspace's cross-file index without a scan (person10 N24: an open file showed none of the cross-file N+1s the
 * scan finds in it until Scan Workspace ran): every file read the way the scan reads it (scanFiles: minified bundles left
 * out, one tree per file) with only what the index needs — each file's functions and loop calls, no SQL extraction and no
 * findings. The editor builds it once, in the background, and judges open files against it as against a scan's index.
 */
export async function indexWorkspace(files: AsyncIterable<FileInput> | Iterable<FileInput>, index: CrossFileCalls, opts: { isCancelled?: () => boolean; onError?: (file: string, message: string) => void; onFile?: (read: number) => void } = {}): Promise<{ files: number; cancelled: boolean }> {
  const indexer: Analyzer = {
    id: RULE_ID,
    rules: [],
    async analyze({ text, language, file, source, contextPath }) {
      const lang = languageOf(language);
      if (!lang || RAILS_VIEW.test(file) || GRAPHQL_DOCUMENT.test(file)) return [];
      index.add(file, lang, (await analyzeNPlusOne(text, language, file, source, contextPath)).facts, contextPath);
      return [];
    },
  };
  // `onFile`: how many files are read so far (the editor's progress item: "n of m files").
  const r = await scanFiles(files, { analyzers: [indexer], extract: async () => [], isCancelled: opts.isCancelled, onError: opts.onError, keepText: false, onFile: opts.onFile && ((f) => opts.onFile!(f.index + 1)) });
  return { files: r.files, cancelled: r.cancelled };
}

/**
 * What the editor shows while indexWorkspace reads the workspace: the status bar's words with the count read so far (of
 * `total` when the walk counted it) and a tooltip that says the cross-file findings are pending until the read ends.
 */
export function crossFileReadText(read: number, total: number | undefined): { status: string; tooltip: string } {
  const count = total !== undefined ? `${Math.min(read, total)} of ${total} files` : `${read} files`;
  return {
    status: `PG Lens: reading the workspace for cross-file N+1s (${count})`,
    tooltip: `PG Lens is reading the workspace's files once (${count} so far) to find N+1s across files: a loop calling a function of another file that queries. Those findings are pending until the read ends; each open file's own findings are shown already. A Scan Workspace replaces this read.`,
  };
}

/**
 * One file of the workspace changed on disk while not open (saved by another tool, a checkout, created or deleted): its
 * facts in the cross-file index replaced as the workspace read would read it now (`text` undefined: deleted or no longer
 * read — it defines and calls nothing any more). False when the file is not one the index holds facts for.
 */
export async function reindexFile(index: CrossFileCalls, file: string, text: string | undefined): Promise<boolean> {
  const lang = languageOf(file);
  if (!lang || RAILS_VIEW.test(file) || GRAPHQL_DOCUMENT.test(file)) return false;
  const facts = text === undefined || isMinified(file, text) ? { functions: [], loopCalls: [] } : (await analyzeNPlusOne(text, file, file)).facts;
  index.replace(file, lang, facts);
  return true;
}
