/**
 * What each language folder (src/core/languages/<lang>/language.ts) says about itself: its
 * tree-sitter grammars, the VS Code language ids and file extensions it reads (each mapped to a
 * grammar, or to 'sql' for SQL scripts read by our own lexer) and its line comment. Plain data:
 * the editor's language lists, the walker's extensions, the scan globs, the build's WASM list and
 * package.json's activationEvents all derive from it (registry.ts).
 */
export interface LanguageSpec<G extends string = string> {
  /** The folder name under src/core/languages/. */
  name: string;
  /** Tree-sitter grammar → its WASM file in @vscode/tree-sitter-wasm. */
  grammars: Record<G, string>;
  /** VS Code language id → grammar ('sql': read by the SQL lexer). */
  editorIds: Record<string, G | 'sql'>;
  /** File extension (lower case, with the dot) → grammar. */
  extensions: Record<string, G | 'sql'>;
  /** What starts a line comment ("Ignore here" inserts one). */
  lineComment: string;
  /**
   * SQL kept in files of a library's own format that the app loads at run time, by file extension →
   * format id (e.g. MyBatis XML mappers: `'.xml': 'mybatis'`); core/extract/index.ts reads them.
   */
  mappers?: Record<string, string>;
  /**
   * VS Code language ids whose documents may be such mapper files (e.g. `xml`): the extension activates on
   * them and analyses an open one when its extension is a mapper's and its text is one (core/extract decides).
   */
  mapperEditorIds?: readonly string[];
  /**
   * View templates of the language's web framework, by file extension → template format (Rails:
   * `'.erb': 'erb'`, `'.jbuilder': 'jbuilder'`; a JavaScript client's GraphQL documents:
   * `'.graphql': 'graphql'`). No SQL of their own: the N+1 pass reads them (Rails views with their
   * controllers and models, core/nplusone/views.ts; client documents, core/nplusone/clientDocuments.ts),
   * so the walker, the globs and the CLI read them too.
   */
  templates?: Record<string, string>;
  /**
   * The comment syntax of the view templates the language's web frameworks render (Django/Jinja `{# #}`, ERB
   * `<%# %>`, HTML `<!-- -->`), by VS Code language id and file extension: "Ignore here" writes one there, never the
   * line comment, which a template prints as text (person17: a `//` line shown 134 times on one page).
   */
  templateComments?: readonly TemplateComment[];
  /**
   * The database libraries (ORMs, query builders, drivers) of the language that reach PostgreSQL, by the module path a
   * file imports them by: a name matches itself and its submodules (`sqlalchemy` → `sqlalchemy.orm`, `@mikro-orm/`
   * → `@mikro-orm/core`). Read by registry.isDatabaseModule (the first hint on ORM code, core/record/firstHint).
   */
  databaseModules?: readonly string[];
  /**
   * The model fields of the language's ORMs that are relations, by class name (matched as a suffix of the field's
   * class, so an app's subclass `MyForeignKey` counts) → 'one' (a many-to-one or one-to-one: select_related) or 'many'
   * (a collection: prefetch_related). Third-party managers belong here too (django-taggit's `TaggableManager`).
   * Read by the N+1 passes over models (core/nplusone/drfViews.ts, jinjaViews.ts) and the recorded fix's names.
   */
  relationFields?: Readonly<Record<string, 'one' | 'many'>>;
  /**
   * Serializer fields that read a relation of every object they serialize, whatever their arguments (taggit's
   * `TagListSerializerField` reads `tags.all()`), by class name → 'one' | 'many'.
   */
  relationSerializerFields?: Readonly<Record<string, 'one' | 'many'>>;
}

/** A template comment: what opens and closes it, and the documents (VS Code language ids, file extensions) it is for. */
export interface TemplateComment {
  editorIds: readonly string[];
  /** Lower case, with the dot: matched at the end of a path. */
  extensions: readonly string[];
  open: string;
  close: string;
}

/** A language with one grammar, read under one VS Code language id of the same name. */
export function oneGrammar<N extends string>(name: N, extensions: readonly string[], lineComment: string): LanguageSpec<N> & { name: N; grammars: Record<N, string> } {
  return {
    name,
    grammars: { [name]: `tree-sitter-${name}.wasm` } as Record<N, string>,
    editorIds: { [name]: name },
    extensions: Object.fromEntries(extensions.map((e) => [e, name])),
    lineComment,
  };
}
