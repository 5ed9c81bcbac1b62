/**
 * person17's hour (issue 20 MEDIUM 8, mdn/django-locallibrary-tutorial: Django generic views and templates), the
 * recorded side: two look-ups per row from one template line are both reported, with one fix naming both relations;
 * the fix for rows whose lazy queryset a template evaluates goes to the view that builds it; model and field names come
 * from the app's models.py, never from a table name. The files are excerpts of the app's own (commit 3dbedbed).
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedFindings } from '../../../../src/core/record/findings';
import { OPEN_SITE_COMMAND } from '../../../../src/core/record/findingsMeta';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

const APP = '/srv/locallibrary/catalog';
const MODELS = `${APP}/models.py`;
const VIEWS = `${APP}/views.py`;
const T = `${APP}/templates/catalog`;
const BORROWED = `${T}/bookinstance_list_borrowed_all.html`;
const BOOKS = `${T}/book_list.html`;
const AUTHOR = `${T}/author_detail.html`;

const FILES: Record<string, string> = {
  [MODELS]: [
    'from django.conf import settings',
    'from django.db import models',
    'class Book(models.Model):',
    '    title = models.CharField(max_length=200)',
    "    author = models.ForeignKey('Author', on_delete=models.RESTRICT, null=True)",
    '',
    'class BookInstance(models.Model):',
    "    book = models.ForeignKey('Book', on_delete=models.RESTRICT, null=True)",
    '    due_back = models.DateField(null=True, blank=True)',
    '    borrower = models.ForeignKey(',
    '        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)',
    '',
    'class Author(models.Model):',
    '    last_name = models.CharField(max_length=100)',
    '',
  ].join('\n'),
  [VIEWS]: [
    'from django.views import generic', // 1
    'from .models import Book, Author, BookInstance', // 2
    '', // 3
    'class BookListView(generic.ListView):', // 4
    '    """Generic class-based view for a list of books."""', // 5
    '    model = Book', // 6
    '    paginate_by = 10', // 7
    '', // 8
    'class AuthorDetailView(generic.DetailView):', // 9
    '    model = Author', // 10
    '', // 11
    'class LoanedBooksAllListView(PermissionRequiredMixin, generic.ListView):', // 12
    '    model = BookInstance', // 13
    "    template_name = 'catalog/bookinstance_list_borrowed_all.html'", // 14
    '    paginate_by = 10', // 15
    '', // 16
    '    def get_queryset(self):', // 17
    "        return BookInstance.objects.filter(status__exact='o').order_by('due_back')", // 18
    '',
  ].join('\n'),
  [BORROWED]: [
    '{% extends "base_generic.html" %}', // 1
    '', // 2
    '{% block content %}', // 3
    '    <h1>All Borrowed Books</h1>', // 4
    '', // 5
    '    {% if bookinstance_list %}', // 6
    '    <ul>', // 7
    '', // 8
    '      {% for bookinst in bookinstance_list %}', // 9
    '      <li class="{% if bookinst.is_overdue %}text-danger{% endif %}">', // 10
    "        <a href=\"{% url 'book-detail' bookinst.book.pk %}\">{{bookinst.book.title}}</a> ({{ bookinst.due_back }}) {% if user.is_staff %}- {{ bookinst.borrower }}{% endif %}", // 11
    '      </li>', // 12
    '      {% endfor %}', // 13
  ].join('\n'),
  [BOOKS]: [
    '{% extends "base_generic.html" %}', // 1
    '', // 2
    '{% block content %}', // 3
    '    <h1>Book List</h1>', // 4
    '', // 5
    '    {% if book_list %}', // 6
    '    <ul>', // 7
    '', // 8
    '      {% for book in book_list %}', // 9
    '      <li>', // 10
    '        <a href="{{ book.get_absolute_url }}">{{ book.title }}</a> ({{book.author}})', // 11
    '      </li>', // 12
  ].join('\n'),
  [AUTHOR]: [
    '{% extends "base_generic.html" %}', // 1
    '{% block content %}', // 2
    '<h1>Author: {{ author }}</h1>', // 3
    '{% for book in author.book_set.all %}', // 4
    "  <dt><a href=\"{% url 'book-detail' book.pk %}\">{{book}}</a> ({{book.bookinstance_set.all.count}})</dt>", // 5
    '{% endfor %}', // 6
  ].join('\n'),
};

function q(sql: string, unit: string, file: string, line: number): QueryEvent {
  return { v: 1, t: 'q', lib: 'psycopg2', sql, pc: 0, pt: [], ms: 1, rows: 1, u: { k: 'request', id: unit, n: unit.replace(/#\d+$/, '') }, ts: 0, pid: 1, site: { file, line, col: 1, via: 'django' } };
}

const BOOK = (id: number) => `SELECT "catalog_book"."id", "catalog_book"."title", "catalog_book"."author_id" FROM "catalog_book" WHERE "catalog_book"."id" = ${id} LIMIT 21`;
const USER = (id: number) => `SELECT "auth_user"."id", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."id" = ${id} LIMIT 21`;
const AUTHOR_ROW = (id: number) => `SELECT "catalog_author"."id", "catalog_author"."last_name" FROM "catalog_author" WHERE "catalog_author"."id" = ${id} LIMIT 21`;
const COPIES = (id: number) => `SELECT COUNT(*) AS "__count" FROM "catalog_bookinstance" WHERE "catalog_bookinstance"."book_id" = ${id}`;

/** Two requests of each page; `userFirst` sends the borrower look-up before the book's on every row. */
function events(userFirst = false): QueryEvent[] {
  const out: QueryEvent[] = [];
  for (const r of [1, 2]) {
    const all = `GET /catalog/borrowed/#${r}`;
    out.push(q('SELECT "catalog_bookinstance"."id", "catalog_bookinstance"."book_id", "catalog_bookinstance"."borrower_id" FROM "catalog_bookinstance" WHERE "catalog_bookinstance"."status" = \'o\' ORDER BY "catalog_bookinstance"."due_back" ASC LIMIT 10', all, BORROWED, 6));
    for (let i = 1; i <= 10; i++) {
      const pair = [q(BOOK(100 + i), all, BORROWED, 11), q(USER(20 + i), all, BORROWED, 11)];
      out.push(...(userFirst ? pair.reverse() : pair));
    }
    const books = `GET /catalog/books/#${r}`;
    out.push(q('SELECT "catalog_book"."id", "catalog_book"."title", "catalog_book"."author_id" FROM "catalog_book" ORDER BY "catalog_book"."title" ASC LIMIT 10', books, BOOKS, 6));
    for (let i = 1; i <= 10; i++) out.push(q(AUTHOR_ROW(i), books, BOOKS, 11));
    const author = `GET /catalog/author/<int:pk>#${r}`;
    out.push(q('SELECT "catalog_book"."id", "catalog_book"."title" FROM "catalog_book" WHERE "catalog_book"."author_id" = 4', author, AUTHOR, 4));
    for (let i = 1; i <= 10; i++) out.push(q(COPIES(200 + i), author, AUTHOR, 5));
  }
  return out;
}

const record = (userFirst = false) => summarize(events(userFirst), normalizeSql, { threshold: 5 }, { source: (f) => FILES[f] });
const findingsOf = (file: string, userFirst = false) => recordedFindings({ summary: record(userFirst), advice: new Map() }, file, FILES[file], (f) => f.replace(`${APP}/`, 'catalog/')).filter((f) => f.ruleId === 'n-plus-one');

describe('core/record: recorded Django N+1s on templates as a Django user reads them (person17, issue 20 MEDIUM 8)', function () {
  this.timeout(60000);
  before(() => loadPgParser());

  it('two look-ups per row from one template line: both reported, in either order, one warning with one select_related naming both', () => {
    for (const userFirst of [false, true]) {
      const line11 = record(userFirst).nPlusOne.filter((n) => n.file === BORROWED && n.line === 11);
      assert.deepEqual(line11.map((n) => n.lookup?.table).sort(), ['auth_user', 'catalog_book'], 'each table read per row is an N+1 of its own in the report');
      const [f, ...more] = findingsOf(BORROWED, userFirst);
      assert.equal(more.length, 0, 'one warning for the line');
      assert.match(f.message, /2 statements once per item in one request \(GET \/catalog\/borrowed\/\)/);
      assert.match(f.message, /catalog_book by id 10 times/);
      assert.match(f.message, /auth_user by id 10 times/);
      assert.match(f.help!, /\.select_related\("book", "borrower"\)|\.select_related\("borrower", "book"\)/);
    }
  });

  it('the foreign key to auth_user is named by its field in models.py (borrower), never by the table', () => {
    const user = record().nPlusOne.find((n) => n.lookup?.table === 'auth_user')!;
    assert.match(user.fix, /\.select_related\("borrower"\)/);
    assert.doesNotMatch(user.fix, /naming the ForeignKey to auth_user/);
  });

  it('rows a template evaluates (a lazy queryset): the fix goes to the view that builds it, never to the template line', () => {
    const [borrowed] = findingsOf(BORROWED);
    const go = borrowed.fixes.find((x) => x.command?.id === OPEN_SITE_COMMAND)!;
    assert.match(go.title, /^Go to the view that builds the rows' query \(catalog\/views\.py:17, LoanedBooksAllListView; the template evaluates it at catalog\/templates\/catalog\/bookinstance_list_borrowed_all\.html:6\): add \.select_related\("(book", "borrower|borrower", "book)"\) to the queryset get_queryset\(\) returns$/);
    assert.deepEqual(go.command!.args, [VIEWS, 17, 1]);
    const [books] = findingsOf(BOOKS);
    const goBooks = books.fixes.find((x) => x.command?.id === OPEN_SITE_COMMAND)!;
    // A ListView that only names its model: the queryset to write.
    assert.match(goBooks.title, /\(catalog\/views\.py:4, BookListView; .*book_list\.html:6\): queryset = Book\.objects\.select_related\("author"\)$/);
    assert.ok(books.related?.some((r) => r.file === VIEWS && r.line === 4), 'the view is a related place');
    for (const f of [borrowed, books]) for (const x of f.fixes) assert.doesNotMatch(x.title, /Go to the query that loads the rows \(.*\.html/);
  });

  it('a per-row count names the model as models.py spells it (BookInstance, never Bookinstance)', () => {
    const count = record().nPlusOne.find((n) => n.file === AUTHOR)!;
    assert.match(count.fix, /BookInstance\.objects\.filter\(book_id__in=ids\)\.values\("book_id"\)\.annotate/);
    assert.doesNotMatch(count.fix, /Bookinstance/);
    // Without the models: the table named, no invented class.
    const bare = summarize(events(), normalizeSql, { threshold: 5 }, { source: (f) => (f === MODELS ? undefined : FILES[f]) }).nPlusOne.find((n) => n.file === AUTHOR)!;
    assert.doesNotMatch(bare.fix, /Bookinstance/);
  });
});
