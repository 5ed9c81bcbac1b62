/**
 * Tree-sitter (the WASM runtime and grammars VS Code itself ships, @vscode/tree-sitter-wasm),
 * loaded once and lazily. The host tells us where the .wasm files are (dist/wasm in the bundle,
 * node_modules in tests); core itself opens no files — the runtime loads them.
 */
import type { Language as TsLanguage, Parser as TsParser, Query as TsQuery, Tree } from '@vscode/tree-sitter-wasm';
import { grammarFile, type SourceLanguage } from '../languages/registry';

export type { SourceLanguage } from '../languages/registry';

let wasmDir: string | undefined;
let runtime: Promise<typeof import('@vscode/tree-sitter-wasm')> | undefined;
const languages = new Map<SourceLanguage, Promise<TsLanguage>>();
const parsers = new Map<SourceLanguage, TsParser>();

/** Say where tree-sitter.wasm and the grammars are. Call once before the first parse. */
export function configureTreeSitter(dir: string): void {
  wasmDir = dir.endsWith('/') || dir.endsWith('\\') ? dir : dir + '/';
}

function loadRuntime(): Promise<typeof import('@vscode/tree-sitter-wasm')> {
  if (!wasmDir) throw new Error('tree-sitter is not configured: call configureTreeSitter(dir) first');
  const dir = wasmDir;
  runtime ??= (async () => {
    const mod = await import('@vscode/tree-sitter-wasm');
    const TS = ((mod as any).Parser ? mod : (mod as any).default) as typeof import('@vscode/tree-sitter-wasm');
    await TS.Parser.init({ locateFile: (file: string) => dir + file });
    return TS;
  })();
  return runtime;
}

/** A parser for the language (one per language, reused: parsing is synchronous). */
async function parserFor(lang: SourceLanguage): Promise<TsParser> {
  const existing = parsers.get(lang);
  if (existing) return existing;
  const TS = await loadRuntime();
  let l = languages.get(lang);
  if (!l) {
    l = TS.Language.load(wasmDir + grammarFile(lang));
    languages.set(lang, l);
  }
  const language = await l;
  const p = parsers.get(lang) ?? new TS.Parser();
  p.setLanguage(language);
  parsers.set(lang, p);
  return p;
}


let loadedRuntime: typeof import('@vscode/tree-sitter-wasm') | undefined;
const queries = new Map<string, TsQuery>();

/** The parser for lang if it was already loaded (synchronous callers), else undefined. */
export function loadedParser(lang: SourceLanguage): TsParser | undefined {
  return parsers.get(lang);
}

/** Is tree-sitter configured (configureTreeSitter called)? */
export function treeSitterConfigured(): boolean {
  return wasmDir !== undefined;
}

/** A compiled query for the language (cached by source). Requires parserFor(lang) first. */
export function queryFor(lang: SourceLanguage, source: string): TsQuery | undefined {
  const key = lang + '\0' + source;
  const hit = queries.get(key);
  if (hit) return hit;
  const p = parsers.get(lang);
  if (!p || !p.language) return undefined;
  const TS = loadedRuntime;
  if (!TS) return undefined;
  const q = new TS.Query(p.language, source);
  queries.set(key, q);
  return q;
}

/** Load the runtime and the language's parser; after this, loadedParser/queryFor work synchronously. */
export async function prepareLanguage(lang: SourceLanguage): Promise<TsParser> {
  const p = await parserFor(lang);
  loadedRuntime ??= await loadRuntime();
  return p;
}

export interface ParseLimits {
  /** Give up after this many milliseconds of parsing (returns null). */
  timeoutMs?: number;
  /** Yield to the event loop every sliceMs (async parse only). */
  sliceMs?: number;
}

/** Parse synchronously with a time limit; null when it ran out of time. Caller deletes the tree. */
export function parseWithin(parser: TsParser, text: string, limits: ParseLimits = {}): Tree | null {
  const deadline = performance.now() + (limits.timeoutMs ?? 10_000);
  parseCount++;
  parser.reset();
  try {
    return parser.parse(text, null, { progressCallback: (() => performance.now() > deadline) as any });
  } finally {
    parser.reset();
  }
}

/**
 * Parse in slices: the parser stops every sliceMs, the event loop runs, and parsing resumes where
 * it stopped (tree-sitter keeps its state until reset). Null when timeoutMs ran out.
 */
async function parseSliced(parser: TsParser, text: string, limits: ParseLimits = {}): Promise<Tree | null> {
  const start = performance.now();
  const deadline = start + (limits.timeoutMs ?? 10_000);
  const slice = limits.sliceMs ?? 8;
  parseCount++;
  parser.reset();
  try {
    for (;;) {
      const stop = Math.min(deadline, performance.now() + slice);
      const tree = parser.parse(text, null, { progressCallback: (() => performance.now() > stop) as any });
      if (tree) return tree;
      if (performance.now() > deadline) return null;
      await new Promise<void>((r) => setImmediate(r));
    }
  } finally {
    parser.reset();
  }
}

let parseCount = 0;

/** How many tree-sitter parses ran in this process (benchmarks check one parse per file). */
export function treeSitterParseCount(): number {
  return parseCount;
}

const locks = new Map<SourceLanguage, Promise<unknown>>();
const busy = new Map<SourceLanguage, number>();

/** A sliced parse may be suspended on the language's parser: synchronous callers must not use it now. */
export function parserBusy(lang: SourceLanguage): boolean {
  return (busy.get(lang) ?? 0) > 0;
}

/** One parse per parser at a time (a parser holds the state of a suspended sliced parse). */
function withParserLock<T>(lang: SourceLanguage, fn: () => Promise<T>): Promise<T> {
  busy.set(lang, (busy.get(lang) ?? 0) + 1);
  const guarded = async () => {
    try {
      return await fn();
    } finally {
      busy.set(lang, (busy.get(lang) ?? 1) - 1);
    }
  };
  const prev = locks.get(lang) ?? Promise.resolve();
  const run = prev.then(guarded, guarded);
  locks.set(lang, run.catch(() => undefined));
  return run;
}

export interface SourceParseOptions extends ParseLimits {
  /** Parse in slices only texts longer than this (default 100,000 characters). */
  sliceAboveChars?: number;
}

/**
 * The syntax tree of one source text, parsed at most once and shared by everything that reads it
 * (SQL extraction, N+1 detection): one tree-sitter parse per file or document version. The owner
 * calls dispose() when every reader is done (the tree lives in WASM memory).
 */
export class SourceTree {
  private parsed: Promise<Tree | null> | undefined;
  private disposed = false;
  private freed = false;
  private users = 0;

  constructor(readonly text: string, readonly lang: SourceLanguage, private readonly options: SourceParseOptions = {}) {}

  /** The tree (null when parsing ran out of time). Parses on the first call only. Use it inside use(). */
  tree(): Promise<Tree | null> {
    if (this.disposed) return Promise.resolve(null);
    this.parsed ??= (async () => {
      const parser = await prepareLanguage(this.lang);
      // Small texts parse in one go; large ones in slices so the event loop keeps running. (A resumed
      // parse can recover from syntax errors differently, so slicing is kept to where it is needed.)
      return withParserLock(this.lang, async () =>
        this.text.length > (this.options.sliceAboveChars ?? 100_000) ? parseSliced(parser, this.text, this.options) : parseWithin(parser, this.text, this.options));
    })();
    return this.parsed;
  }

  /** Read the tree; dispose() waits for every reader to finish before freeing it. */
  async use<T>(fn: (tree: Tree | null) => T | Promise<T>): Promise<T> {
    this.users++;
    try {
      return await fn(await this.tree());
    } finally {
      this.users--;
      if (this.disposed && this.users === 0) this.free();
    }
  }

  /** Free the tree once no reader is using it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.users === 0) this.free();
  }

  private free(): void {
    if (this.freed) return;
    this.freed = true;
    void this.parsed?.then((t) => t?.delete(), () => undefined);
  }
}

/** Run fn over the text's tree: the given shared tree, or a tree parsed for this call and freed after. */
export async function withSourceTree<T>(text: string, lang: SourceLanguage, shared: SourceTree | undefined, fn: (tree: Tree | null) => T | Promise<T>, options?: SourceParseOptions): Promise<T> {
  if (shared && shared.lang === lang && shared.text === text) return shared.use(fn);
  const own = new SourceTree(text, lang, options);
  try {
    return await own.use(fn);
  } finally {
    own.dispose();
  }
}
