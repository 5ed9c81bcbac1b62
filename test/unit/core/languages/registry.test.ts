/**
 * The language registry is the one list of languages: package.json (static) must say what it
 * derives, the build's WASM files must exist, and ids and paths map to the grammar their folder says.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EDITOR_LANGUAGE_IDS, LANGUAGE_ACTIVATION_EVENTS, LANGUAGES, SOURCE_EXTENSIONS, SOURCE_GLOB, TEMPLATE_EXTENSIONS, TREE_SITTER_WASM_FILES, isDatabaseModule, isMapperDocument, languageFolderOf, languageOf, lineCommentOf, mapperFormatOf, readAsOf } from '../../../../src/core/languages/registry';

import { RAILS_VIEW } from '../../../../src/core/nplusone/views';
import { SOURCE_EXTENSIONS as WALKED } from '../../../../src/node/walk';
import { JINJA_TEMPLATE } from '../../../../src/core/nplusone/jinjaViews';

const walkerAccepts = (file: string) => WALKED.has(path.extname(file).toLowerCase());
const root = path.join(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { activationEvents: string[] };

describe('language registry', () => {
  it("package.json's language activation events are exactly the registry's editor language ids", () => {
    const onLanguage = pkg.activationEvents.filter((e) => e.startsWith('onLanguage:'));
    assert.deepEqual([...onLanguage].sort(), [...LANGUAGE_ACTIVATION_EVENTS].sort());
  });

  it('the extension activates on documents that may be MyBatis mappers (xml), and reads them by path', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:xml'));
    assert.ok(isMapperDocument('xml', '/w/src/main/resources/mapper/UserMapper.xml'));
    assert.ok(!isMapperDocument('xml', '/w/notes.xsd'), 'another extension of the xml language');
    assert.ok(!isMapperDocument('plaintext', '/w/UserMapper.xml'));
    assert.equal(readAsOf('xml'), undefined, 'xml is no source language: the extension and the text decide');
  });

  it("package.json's workspaceContains events name only extensions the registry reads", () => {
    const globs = pkg.activationEvents.filter((e) => e.startsWith('workspaceContains:'));
    assert.ok(globs.length > 0);
    for (const g of globs) {
      const ext = /\*(\.[a-z]+)$/.exec(g)?.[1];
      assert.ok(ext && SOURCE_EXTENSIONS.includes(ext), `${g}: not an extension of the registry`);
    }
  });

  it('every WASM file the build copies exists in @vscode/tree-sitter-wasm', () => {
    const dir = path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
    assert.ok(TREE_SITTER_WASM_FILES.includes('tree-sitter.wasm'));
    for (const f of TREE_SITTER_WASM_FILES) assert.ok(fs.existsSync(path.join(dir, f)), f);
  });

  it('each language folder holds its language.ts, extract.ts and (for grammars) nplusone.ts', () => {
    for (const l of LANGUAGES) {
      const dir = path.join(root, 'src', 'core', 'languages', l.name);
      assert.ok(fs.existsSync(path.join(dir, 'language.ts')), `${l.name}/language.ts`);
      if (Object.keys(l.grammars).length) {
        for (const f of ['extract.ts', 'nplusone.ts']) assert.ok(fs.existsSync(path.join(dir, f)), `${l.name}/${f}`);
      }
    }
  });

  it('maps VS Code language ids and file paths to the grammar of their folder', () => {
    assert.equal(readAsOf('sql'), 'sql');
    assert.equal(readAsOf('db/Schema.SQL'), 'sql');
    assert.equal(readAsOf('x.psql'), 'sql');
    assert.equal(languageOf('sql'), undefined);
    assert.equal(languageOf('typescriptreact'), 'tsx');
    assert.equal(languageOf('javascriptreact'), 'javascript');
    assert.equal(languageOf('src/a.mts'), 'typescript');
    assert.equal(languageOf('app/models/user.rb'), 'ruby');
    assert.equal(languageOf('README.md'), undefined);
    assert.equal(languageOf('plaintext'), undefined);
    assert.equal(languageFolderOf('tsx'), 'javascript');
    assert.equal(languageFolderOf('go'), 'go');
    assert.deepEqual([lineCommentOf('python'), lineCommentOf('ruby'), lineCommentOf('sql'), lineCommentOf('go'), lineCommentOf('x.ts')], ['#', '#', '--', '//', '//']);
  });

  it('the workspace glob and the editor ids cover every extension and id of every folder', () => {
    for (const l of LANGUAGES) {
      for (const id of Object.keys(l.editorIds)) assert.ok(EDITOR_LANGUAGE_IDS.includes(id), id);
      for (const ext of Object.keys(l.extensions)) assert.ok(SOURCE_GLOB.includes(`,${ext.slice(1)},`) || SOURCE_GLOB.includes(`{${ext.slice(1)},`) || SOURCE_GLOB.includes(`,${ext.slice(1)}}`), ext);
    }
  });

  it('mapper formats come from their folder: MyBatis XML is read (walker, globs), as a mapper, not a grammar', () => {
    assert.equal(mapperFormatOf('src/main/resources/mapper/UserMapper.XML'), 'mybatis');
    assert.equal(mapperFormatOf('src/a.ts'), undefined);
    assert.ok(SOURCE_EXTENSIONS.includes('.xml'));
    assert.ok(SOURCE_GLOB.includes('xml'));
    assert.equal(readAsOf('UserMapper.xml'), undefined);
  });

  it('view templates come from their folder: Rails ERB and jbuilder, a JavaScript client\'s GraphQL documents, are read (walker, globs, N+1 pass), with no grammar and no SQL of their own', () => {
    assert.deepEqual(TEMPLATE_EXTENSIONS, ['.graphql', '.gql', '.html', '.jinja', '.jinja2', '.j2', '.erb', '.jbuilder']);
    for (const ext of TEMPLATE_EXTENSIONS) {
      assert.ok(SOURCE_EXTENSIONS.includes(ext) && SOURCE_GLOB.includes(ext.slice(1)), ext);
      assert.equal(readAsOf(`app/views/posts/index${ext}`), undefined);
    }
    assert.ok(RAILS_VIEW.test('app/views/posts/index.html.erb') && RAILS_VIEW.test('/w/app/views/posts/_post.json.jbuilder'));
    assert.ok(!RAILS_VIEW.test('app/views/posts/index.html.haml') && !RAILS_VIEW.test('lib/templates/x.erb'));
    assert.ok(walkerAccepts('app/views/posts/index.html.erb') && walkerAccepts('a/feed.json.jbuilder'));
    assert.ok(walkerAccepts('frontend/src/pages/event.graphql') && walkerAccepts('web/queries/me.gql'));
    // Jinja templates (Flask, FastAPI): read by the N+1 pass in a templates/ folder only.
    assert.ok(walkerAccepts('app/templates/index.html') && walkerAccepts('app/templates/base.jinja2'));
    assert.ok(JINJA_TEMPLATE.test('app/templates/forum/forum.html') && !JINJA_TEMPLATE.test('public/index.html') && !JINJA_TEMPLATE.test('app/views/posts/index.html.erb'));
  });

  it("each language names its PostgreSQL libraries once: a library's module and its submodules match, a look-alike does not", () => {
    for (const m of ['typeorm', '@prisma/client', '@mikro-orm/core', 'pg', 'sqlalchemy.orm', 'django.db.models', 'psycopg2', 'github.com/jackc/pgx/v5', 'gorm.io/gorm', 'database/sql', 'java.sql.Connection', 'jakarta.persistence.Entity', 'active_record']) {
      assert.ok(isDatabaseModule(m), m);
    }
    for (const m of ['pgadmin', 'pgx', 'typeorm-naming', 'sqlalchemy_utils2', 'redis', 'django.http', 'github.com/jackc/pgxlisten', 'java.sqlx', './db']) {
      assert.ok(!isDatabaseModule(m), m);
    }
    // The first hint on ORM code reads the registry: no second list of libraries in src/core/record.
    const hint = fs.readFileSync(path.join(__dirname, '../../../../src/core/record/firstHint.ts'), 'utf8');
    assert.match(hint, /isDatabaseModule/);
    assert.doesNotMatch(hint, /sqlalchemy|typeorm|gorm/);
  });


  it('no file outside the registry spells a list of source extensions as a glob', () => {
    const hits: string[] = [];
    const visit = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) visit(p);
        else if (p.endsWith('.ts') && !p.endsWith(path.join('languages', 'registry.ts')) && /\*\*\/\*\.\{[a-z]+,[a-z,]+\}/.test(fs.readFileSync(p, 'utf8'))) hits.push(p);
      }
    };
    visit(path.join(__dirname, '../../../../src'));
    assert.deepEqual(hits, []);
  });
});
