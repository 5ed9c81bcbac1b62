import type { LanguageSpec } from '../language';

export const rubyLanguage = {
  name: 'ruby',
  grammars: { ruby: 'tree-sitter-ruby.wasm' },
  editorIds: { ruby: 'ruby' },
  extensions: { '.rb': 'ruby' },
  lineComment: '#',
} as const satisfies LanguageSpec<'ruby'>;
