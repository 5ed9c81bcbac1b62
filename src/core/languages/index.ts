/**
 * The language registry: one folder per language under src/core/languages/<lang>/ holds its
 * extraction profile (extract.ts) and what the N+1 detector needs (nplusone.ts: the syntax
 * adapter, and what a database call looks like for its drivers, builders and ORMs).
 */
import type { SourceLanguage } from '../syntax/treeSitter';
import type { Chain, LanguageAdapter } from '../nplusone/syntax';
import type { DbCall } from '../nplusone/dbCalls';
import type { FileContext } from '../nplusone/context';
import { classifyJs, jsAdapter } from './javascript/nplusone';
import { classifyPython, pyAdapter } from './python/nplusone';
import { classifyGo, goAdapter } from './go/nplusone';
import { classifyJava, javaAdapter } from './java/nplusone';
import { classifyRuby, rubyAdapter } from './ruby/nplusone';

/** Per grammar: the N+1 syntax adapter and the database-call classifier of its language folder. */
const REGISTRY: Record<SourceLanguage, { adapter: () => LanguageAdapter; classify: (chain: Chain, ctx: FileContext, a: LanguageAdapter) => DbCall | undefined }> = {
  typescript: { adapter: () => jsAdapter('typescript'), classify: classifyJs },
  tsx: { adapter: () => jsAdapter('tsx'), classify: classifyJs },
  javascript: { adapter: () => jsAdapter('javascript'), classify: classifyJs },
  python: { adapter: pyAdapter, classify: classifyPython },
  go: { adapter: goAdapter, classify: classifyGo },
  java: { adapter: javaAdapter, classify: classifyJava },
  ruby: { adapter: rubyAdapter, classify: classifyRuby },
};

const adapters = new Map<SourceLanguage, LanguageAdapter>();

export function adapterFor(lang: SourceLanguage): LanguageAdapter {
  let a = adapters.get(lang);
  if (!a) {
    a = REGISTRY[lang].adapter();
    adapters.set(lang, a);
  }
  return a;
}

export function classifyCall(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  return chain.segments.length ? REGISTRY[a.lang].classify(chain, ctx, a) : undefined;
}
