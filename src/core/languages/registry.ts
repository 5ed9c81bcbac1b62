/**
 * The language registry: every language folder's language.ts, and everything derived from them.
 * Plain data and pure functions (no tree-sitter, no parsers): the editor's language lists and
 * selectors, the file walker's extensions, the workspace globs, the build's WASM list (esbuild.js)
 * and package.json's activationEvents (checked by test/unit/core/languages/registry.test.ts) come
 * from here. Adding a language: its folder, and one line in LANGUAGES.
 */
import type { LanguageSpec, TemplateComment } from './language';
import { sqlLanguage } from './sql/language';
import { javascriptLanguage } from './javascript/language';
import { pythonLanguage } from './python/language';
import { goLanguage } from './go/language';
import { javaLanguage } from './java/language';
import { rubyLanguage } from './ruby/language';

export const LANGUAGES = [sqlLanguage, javascriptLanguage, pythonLanguage, goLanguage, javaLanguage, rubyLanguage] as const;

type KeysOf<T> = T extends unknown ? keyof T & string : never;
/** A tree-sitter grammar of some language folder. */
export type SourceLanguage = KeysOf<(typeof LANGUAGES)[number]['grammars']>;
/** What a file or document is read as: a grammar, or 'sql' (the SQL lexer). */
export type ReadAs = SourceLanguage | 'sql';

const specs: readonly LanguageSpec[] = LANGUAGES;
const byEditorId = new Map<string, ReadAs>(specs.flatMap((l) => Object.entries(l.editorIds) as [string, ReadAs][]));
const byExtension = new Map<string, ReadAs>(specs.flatMap((l) => Object.entries(l.extensions) as [string, ReadAs][]));
const folderOf = new Map<ReadAs, LanguageSpec>(specs.flatMap((l) => [...Object.keys(l.grammars), ...Object.values(l.editorIds)].map((g) => [g as ReadAs, l] as const)));

type MappersOf<T> = T extends { mappers: Record<string, infer M> } ? M : never;
/** A mapper format of some language folder (SQL in a library's own file format, e.g. 'mybatis'). */
export type MapperFormat = MappersOf<(typeof LANGUAGES)[number]>;
const byMapperExtension = new Map<string, MapperFormat>(specs.flatMap((l) => Object.entries(l.mappers ?? {}) as [string, MapperFormat][]));

/** The mapper format a path may hold, by its extension (the file's text decides whether it really is one). */
export function mapperFormatOf(path: string): MapperFormat | undefined {
  const ext = /\.[a-z0-9]+$/.exec(path.toLowerCase())?.[0];
  return ext ? byMapperExtension.get(ext) : undefined;
}

const templateExtensions: readonly string[] = specs.flatMap((l) => Object.keys(l.templates ?? {}));

/** View-template extensions (with the dot, lower case): read for the N+1 views pass, no SQL extracted from them. */
export const TEMPLATE_EXTENSIONS: readonly string[] = templateExtensions;

const databaseModules: readonly string[] = [...new Set(specs.flatMap((l) => l.databaseModules ?? []))];

/**
 * Whether an imported module path is one of the languages' PostgreSQL database libraries (LanguageSpec.databaseModules):
 * the name itself or a submodule of it (`sqlalchemy.orm`, `github.com/jackc/pgx/v5`, `java.sql.*`).
 */
export function isDatabaseModule(module: string): boolean {
  return databaseModules.some((d) => module === d || (/[/.]$/.test(d) ? module.startsWith(d) : module.startsWith(d + '/') || module.startsWith(d + '.')));
}

/** VS Code language ids PG Lens analyses (document selectors, activation events). */
export const EDITOR_LANGUAGE_IDS: readonly string[] = [...byEditorId.keys()];
/** File extensions (with the dot, lower case) SQL is found in: the languages' and their mapper formats'. */
const SQL_SOURCE_EXTENSIONS: readonly string[] = [...new Set([...byExtension.keys(), ...byMapperExtension.keys()])];
/** File extensions (with the dot, lower case) PG Lens reads: the above and view templates. */
export const SOURCE_EXTENSIONS: readonly string[] = [...new Set([...SQL_SOURCE_EXTENSIONS, ...templateExtensions])];
const globOf = (extensions: readonly string[]) => `**/*.{${extensions.map((e) => e.slice(1)).join(',')}}`;
/** Every file in a workspace PG Lens reads, as one glob. */
export const SOURCE_GLOB = globOf(SOURCE_EXTENSIONS);
/** The WASM files tree-sitter needs: the runtime and every grammar. */
export const TREE_SITTER_WASM_FILES: readonly string[] = ['tree-sitter.wasm', ...specs.flatMap((l) => Object.values(l.grammars))];
/** VS Code language ids of documents that may be mapper files (MyBatis XML is `xml`). */
const MAPPER_EDITOR_IDS: readonly string[] = [...new Set(specs.flatMap((l) => l.mapperEditorIds ?? []))];
/** package.json's language activation events: the languages, and the documents that may be mapper files. */
export const LANGUAGE_ACTIVATION_EVENTS: readonly string[] = [...EDITOR_LANGUAGE_IDS, ...MAPPER_EDITOR_IDS].map((id) => `onLanguage:${id}`);

/** Is a document (VS Code language id, path) one PG Lens may read as a mapper file? Its text decides the rest. */
export function isMapperDocument(languageId: string, path: string): boolean {
  return MAPPER_EDITOR_IDS.includes(languageId) && mapperFormatOf(path) !== undefined;
}

/**
 * The language to give a document that opened with none: a PostgreSQL script the registry reads as SQL (`.psql`,
 * `.pgsql`) that no installed extension gave a language (VS Code's own SQL language claims `.sql` only) opens as
 * 'sql' — its colours, the PostgreSQL grammar PG Lens injects into 'sql', and every SQL extension's features. A file
 * the user associated with a language themselves (`files.associations` naming its extension) is left as it is, and so
 * is any document another extension gave a language.
 */
export function sqlLanguageFor(languageId: string, path: string, associations: readonly string[] = []): 'sql' | undefined {
  if (languageId !== 'plaintext') return undefined;
  const ext = /\.[a-z]+$/.exec(path.toLowerCase())?.[0];
  if (!ext || ext === '.sql' || byExtension.get(ext) !== 'sql') return undefined;
  if (associations.some((a) => a.toLowerCase().endsWith(ext))) return undefined;
  return 'sql';
}

/** A VS Code language id or a file path → what it is read as (undefined: not a language PG Lens reads). */
export function readAsOf(languageIdOrPath: string): ReadAs | undefined {
  const id = languageIdOrPath.toLowerCase();
  const byId = byEditorId.get(id);
  if (byId) return byId;
  const ext = /\.[a-z]+$/.exec(id)?.[0];
  return ext ? byExtension.get(ext) : undefined;
}

/** A VS Code language id or a file path → its tree-sitter grammar (undefined for SQL and unknown languages). */
export function languageOf(languageIdOrPath: string): SourceLanguage | undefined {
  const r = readAsOf(languageIdOrPath);
  return r === 'sql' ? undefined : r;
}

/** The WASM file of a grammar. */
export function grammarFile(lang: SourceLanguage): string {
  return (folderOf.get(lang)!.grammars as Record<string, string>)[lang];
}

/** The language folder a grammar belongs to (typescript, tsx and javascript share one). */
export function languageFolderOf(lang: ReadAs): string {
  return folderOf.get(lang)!.name;
}

/** What starts a line comment in a VS Code language id or file path (`//` when unknown). */
export function lineCommentOf(languageIdOrPath: string): string {
  const r = readAsOf(languageIdOrPath);
  return r ? folderOf.get(r)!.lineComment : '//';
}

const templateComments: readonly TemplateComment[] = specs.flatMap((l) => l.templateComments ?? []);

/**
 * The comment of a view template (the languages' templateComments), by VS Code language id or path (its extension);
 * undefined for code, whose comment is its line comment.
 */
export function templateCommentOf(languageIdOrPath: string): { open: string; close: string } | undefined {
  const id = languageIdOrPath.toLowerCase();
  const c = templateComments.find((t) => t.editorIds.includes(id)) ?? templateComments.find((t) => t.extensions.some((e) => id.endsWith(e)));
  return c ? { open: c.open, close: c.close } : undefined;
}

/** What closes any template comment (`%>`, `#}`, `-->`): a reason written into one must not hold it. */
export const TEMPLATE_COMMENT_CLOSES: readonly string[] = [...new Set(templateComments.map((t) => t.close))];
