import type { LanguageSpec } from '../language';

export const goLanguage = {
  name: 'go',
  grammars: { go: 'tree-sitter-go.wasm' },
  editorIds: { go: 'go' },
  extensions: { '.go': 'go' },
  lineComment: '//',
} as const satisfies LanguageSpec<'go'>;
