/**
 * person17 LOW 6 (issue 20): a test suite building its data row by row — a setup hook, a fixture, a factory module —
 * is not the app's N+1. Such findings stay, as hints that say why; the same loop in a test's own body, or in app
 * code, is judged as before. One small fixture per language, written in each idiom.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scan = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.severity}${/^Test setup/.test(f.message) ? ' setup' : ''}`).sort();

describe('N+1 in test setup code: hints with the reason (person17 LOW 6)', function () {
  this.timeout(60000);

  it("Django: setUpTestData's and setUp's per-item create are hints, so is a test's own write per item; a read per item in a test stays info", async () => {
    const text = [
      'from django.test import TestCase',
      'from catalog.models import Author',
      '',
      'class AuthorListViewTest(TestCase):',
      '    @classmethod',
      '    def setUpTestData(cls):',
      '        for author_id in range(13):',
      "            Author.objects.create(first_name=f'Dominique {author_id}', last_name=f'Surname {author_id}')",
      '',
      '    def setUp(self):',
      '        for name in self.names:',
      "            Author.objects.create(first_name='x', last_name=name)",
      '',
      '    def test_pagination(self):',
      '        for name in self.names:',
      "            Author.objects.create(first_name='y', last_name=name)",
      '        for a in self.authors:',
      '            self.assertTrue(Book.objects.filter(author=a).exists())',
      '',
    ];
    assert.deepEqual(await scan([{ path: 'catalog/tests/test_views.py', text }]), [
      'catalog/tests/test_views.py:12 hint setup',
      'catalog/tests/test_views.py:16 hint setup',
      'catalog/tests/test_views.py:18 info',
      'catalog/tests/test_views.py:8 hint setup',
    ]);
    // The same class outside a test suite's files: the app's code, judged as before.
    assert.ok((await scan([{ path: 'catalog/loaders.py', text: text.filter((l) => !/django\.test/.test(l)) }])).every((l) => !/setup/.test(l)));
  });

  it('pytest fixtures: hints', async () => {
    const text = [
      'import pytest',
      'from app.models import User',
      '',
      '@pytest.fixture',
      'def users(db, names):',
      '    for n in names:',
      '        User.objects.create(name=n)',
      '',
    ];
    assert.deepEqual(await scan([{ path: 'tests/test_users.py', text }]), ['tests/test_users.py:7 hint setup']);
  });

  it('mocha/jest beforeEach and RSpec before blocks: hints', async () => {
    const ts = [
      "import { describe, it, beforeEach } from 'vitest';",
      "import { db } from '../src/db';",
      '',
      "describe('users', () => {",
      '  beforeEach(async () => {',
      '    for (const name of names) {',
      "      await db.query('INSERT INTO users (name) VALUES ($1)', [name]);",
      '    }',
      '  });',
      '});',
      '',
    ];
    assert.deepEqual(await scan([{ path: 'test/users.test.ts', text: ts }]), ['test/users.test.ts:7 hint setup']);
    const rb = [
      "require 'rails_helper'",
      '',
      'RSpec.describe Story do',
      '  before do',
      '    tag_names.each do |t|',
      '      Tag.create!(tag: t)',
      '    end',
      '  end',
      'end',
      '',
    ];
    assert.deepEqual(await scan([{ path: 'spec/models/story_spec.rb', text: rb }]), ['spec/models/story_spec.rb:6 hint setup']);
  });
});
