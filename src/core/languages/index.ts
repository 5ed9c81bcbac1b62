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

const adapters = new Map<SourceLanguage, LanguageAdapter>();

export function adapterFor(lang: SourceLanguage): LanguageAdapter {
  let a = adapters.get(lang);
  if (!a) {
    switch (lang) {
      case 'typescript':
      case 'tsx':
      case 'javascript':
        a = jsAdapter(lang);
        break;
      case 'python':
        a = pyAdapter();
        break;
      case 'go':
        a = goAdapter();
        break;
      case 'java':
        a = javaAdapter();
        break;
      case 'ruby':
        a = rubyAdapter();
        break;
    }
    adapters.set(lang, a);
  }
  return a;
}

export function classifyCall(chain: Chain, ctx: FileContext, a: LanguageAdapter): DbCall | undefined {
  if (!chain.segments.length) return undefined;
  switch (a.lang) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return classifyJs(chain, ctx, a);
    case 'python':
      return classifyPython(chain, ctx, a);
    case 'go':
      return classifyGo(chain, ctx, a);
    case 'java':
      return classifyJava(chain, ctx, a);
    case 'ruby':
      return classifyRuby(chain, ctx, a);
  }
}
