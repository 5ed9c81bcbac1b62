import type { LanguageSpec } from '../language';

export const javaLanguage = {
  name: 'java',
  grammars: { java: 'tree-sitter-java.wasm' },
  editorIds: { java: 'java' },
  extensions: { '.java': 'java' },
  lineComment: '//',
} as const satisfies LanguageSpec<'java'>;
