import type { LanguageSpec } from '../language';

export const pythonLanguage = {
  name: 'python',
  grammars: { python: 'tree-sitter-python.wasm' },
  editorIds: { python: 'python' },
  extensions: { '.py': 'python' },
  lineComment: '#',
} as const satisfies LanguageSpec<'python'>;
