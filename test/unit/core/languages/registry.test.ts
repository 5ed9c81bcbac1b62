/**
 * The language registry is the one list of languages: package.json (static) must say what it
 * derives, the build's WASM files must exist, and ids and paths map to the grammar their folder says.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EDITOR_LANGUAGE_IDS, LANGUAGE_ACTIVATION_EVENTS, LANGUAGES, SOURCE_EXTENSIONS, SOURCE_GLOB, TREE_SITTER_WASM_FILES, isMapperDocument, languageFolderOf, languageOf, lineCommentOf, mapperFormatOf, readAsOf } from '../../../../src/core/languages/registry';

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
});
