/**
 * Kinds seen on the eighth session's held-out apps (issue 14, held-out-l: a schema-first GraphQL
 * server typed by graphql-codegen on Prisma, a Spring for GraphQL server on JPA, and a Django app
 * serving strawberry-django types to its own client). One small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const lines = (src: string[]) => src.join('\n') + '\n';

/** `file:line context` of each finding of a scan. */
const scan = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context}`).sort();

describe('n-plus-one: kinds seen on held-out-l (implicit N+1: codegen-typed resolver maps, Spring @SchemaMapping, strawberry)', () => {
  useTreeSitterFromNodeModules();

  it('a resolver map typed by graphql-codegen (`satisfies Resolvers["Book"]`), built by a factory called at start-up, runs per parent', async () => {
    const book: ScanFile = {
      path: 'src/Book/Book.resolver.ts',
      text: lines([
        "import { Resolvers, BookResolvers } from '../resolvers/graphql.js';",
        '',
        'export const resolveBookReviews = ({ prisma }: Deps) =>',
        '  (async ({ id: bookId }) => prisma.review.findMany({ where: { bookId } })) satisfies BookResolvers["reviews"];',
        '',
        'export const resolveBook = ({ prisma }: Deps) =>',
        '  ({',
        '    id: ({ id }) => `Book:${id}`,',
        '    title: async ({ id: bookId }) => {',
        '      const t = await prisma.bookTitle.findFirst({ where: { bookId, primary: true } });',
        '      return t?.title;',
        '    },',
        '    covers: ({ id: bookId }) =>',
        '      prisma.cover',
        '        .findMany({ where: { bookId } })',
        '        .then((rows) => rows.map((r) => r.url)),',
        '    reviews: resolveBookReviews({ prisma }),',
        '  }) satisfies Resolvers["Book"];',
        '',
        'export const resolveQuery = ({ prisma }: Deps) =>',
        '  ({',
        '    books: () => prisma.book.findMany(),',
        '  }) satisfies Resolvers["Query"];',
        '',
      ]),
    };
    const index: ScanFile = {
      path: 'src/index.ts',
      text: lines([
        "import { resolveBook, resolveQuery } from './Book/Book.resolver.js';",
        'const prisma = new PrismaClient();',
        'const resolvers = { Book: resolveBook({ prisma }), Query: resolveQuery({ prisma }) };',
        'createServer(resolvers);',
        '',
      ]),
    };
    assert.deepEqual(await scan([book, index]), [
      'src/Book/Book.resolver.ts:10 request',
      'src/Book/Book.resolver.ts:14 request',
      'src/Book/Book.resolver.ts:4 request',
    ]);
  });

  it('a Spring @SchemaMapping without typeName resolves its source parameter\'s type; @BatchMapping and @Argument-only handlers do not', async () => {
    const controller: ScanFile = {
      path: 'src/main/java/shop/graphql/OrderController.java',
      text: lines([
        'package shop.graphql;',
        '',
        '@Controller',
        'public class OrderController {',
        '    private final LineRepository lineRepository;',
        '',
        '    @QueryMapping',
        '    public List<Order> orders() { return orderRepository.findAll(); }',
        '',
        '    @SchemaMapping',
        '    public List<Line> lines(Order order) {',
        '        return lineRepository.findByOrderId(order.getId());',
        '    }',
        '',
        '    @BatchMapping',
        '    public Map<Order, Customer> customer(List<Order> orders) {',
        '        return customerRepository.findAllById(orders.stream().map(Order::getCustomerId).toList());',
        '    }',
        '',
        '    @SchemaMapping',
        '    public Order order(@Argument Integer id, DataFetchingEnvironment env) {',
        '        return orderRepository.findById(id).orElseThrow();',
        '    }',
        '}',
        '',
      ]),
    };
    assert.deepEqual(await scan([controller]), ['src/main/java/shop/graphql/OrderController.java:12 request']);
  });

  it('a Prisma query followed by promise chaining (`.then`, `.catch`) is one query per item in a loop', async () => {
    const svc: ScanFile = {
      path: 'src/shelf.ts',
      text: lines([
        'export async function shelves(prisma: PrismaClient, ids: string[]) {',
        '  const out = [];',
        '  for (const id of ids) {',
        '    out.push(await prisma.book.findMany({ where: { shelfId: id } }).then((b) => b.length).catch(() => 0));',
        '  }',
        '  return out;',
        '}',
        '',
      ]),
    };
    assert.deepEqual(await scan([svc]), ['src/shelf.ts:4 request']);
  });

  it('a resolver calling a querying helper of its own file, or a method of a service handed in (`LabelsService.countBooks` on label.service.ts: a plural before the role), queries per parent', async () => {
    const service: ScanFile = {
      path: 'src/Label/Label.service.ts',
      text: lines([
        'export const mkLabelService = ({ prisma }: { prisma: PrismaClient }) => ({',
        '  async countBooks(shelfId: string) {',
        '    return prisma.book.count({ where: { shelfId } });',
        '  },',
        '  async lastBook(shelfId: string) {',
        '    return prisma.book.findFirst({ where: { shelfId } });',
        '  },',
        '});',
        '',
      ]),
    };
    const resolver: ScanFile = {
      path: 'src/Shelf/Shelf.resolver.ts',
      text: lines([
        'export const lastBook = async (prisma: PrismaClient, shelfId: string) => {',
        '  const row = await prisma.book.findFirst({ where: { shelfId }, orderBy: { id: "desc" } });',
        '  return row;',
        '};',
        '',
        'export const resolveShelf = ({ prisma, LabelsService }: Deps) =>',
        '  ({',
        '    bookCount: ({ id }) => LabelsService.countBooks(id),',
        '    latest: async ({ id }) => lastBook(prisma, id),',
        '    newest: async ({ id }) => LabelsService.lastBook(id),',
        '  }) satisfies Resolvers["Shelf"];',
        '',
      ]),
    };
    assert.deepEqual(await scan([service, resolver]), [
      'src/Shelf/Shelf.resolver.ts:10 request',
      'src/Shelf/Shelf.resolver.ts:8 request',
      'src/Shelf/Shelf.resolver.ts:9 request',
    ]);
  });

  describe('strawberry resolvers judged by the client documents of the same repository', () => {
    const nodes: ScanFile = {
      path: 'backend/apps/library/nodes.py',
      text: lines([
        'import strawberry',
        'import strawberry_django',
        'from apps.library.models import Author, Book, Review',
        '',
        '',
        '@strawberry_django.type(',
        '    Review,',
        '    fields=[',
        '        "stars",',
        '    ],',
        ')',
        'class ReviewNode:',
        '    @strawberry_django.field',
        '    def reviewer_name(self, root: Review) -> str:',
        '        return Author.objects.get(id=root.reviewer_id).name',
        '',
        '',
        '@strawberry.type',
        'class BookNode:',
        '    id: strawberry.ID',
        '    title: str',
        '',
        '    @strawberry.field',
        '    def review_count(self) -> int:',
        '        return Review.objects.filter(book=self).count()',
        '',
        '    @strawberry.field',
        '    def best_review(self) -> ReviewNode | None:',
        '        return Review.objects.filter(book=self).order_by("-stars").first()',
        '',
        '    @strawberry.field',
        '    def reviews(self) -> list[ReviewNode]:',
        '        return list(Review.objects.filter(book=self))',
        '',
        '',
        '@strawberry.type',
        'class LibraryQuery:',
        '    @strawberry.field',
        '    def books(self) -> list[BookNode]:',
        '        return list(Book.objects.all())',
        '',
        '    @strawberry.field',
        '    def book(self, key: str) -> BookNode | None:',
        '        return Book.objects.filter(key=key).first()',
        '',
        '    @strawberry.field',
        '    def authors(self) -> list[str]:',
        '        return list(Author.objects.values_list("name", flat=True))',
        '',
        '    @strawberry.field',
        '    def review(self, id: int) -> ReviewNode | None:',
        '        return Review.objects.filter(id=id).first()',
        '',
        '    @strawberry.field',
        '    def stars(self) -> list[int]:',
        '        return [1, 2, 3, 4, 5]',
        '',
      ]),
    };
    const client: ScanFile = {
      path: 'frontend/src/queries/books.ts',
      text: lines([
        "import { gql } from '@apollo/client'",
        '',
        'const BOOK_CARD = gql`',
        '  fragment BookCard on BookNode {',
        '    id',
        '    title',
        '    reviewCount',
        '  }',
        '`',
        '',
        'export const GET_BOOKS = gql`',
        '  query GetBooks {',
        '    books {',
        '      ...BookCard',
        '    }',
        '    authors',
        '    stars',
        '  }',
        '  ${BOOK_CARD}',
        '`',
        '',
        'export const GET_BOOK = gql`',
        '  query GetBook($key: String!) {',
        '    book(key: $key) {',
        '      title',
        '      bestReview { stars reviewerName }',
        '      reviews { stars }',
        '    }',
        '    review(id: 1) { stars }',
        '  }',
        '`',
        '',
      ]),
    };
    const py = 'backend/apps/library/nodes.py';

    it('a field a list query asks (through a fragment) stays; fields asked only of one object are once per request', async () => {
      // reviewCount is asked per book of `books`; bestReview, reviews and reviewerName only under `book(key)`.
      assert.deepEqual(await scan([nodes, client]), [`${py}:25 request`]);
    });

    it('without the client documents every resolver of a listed type is judged per parent, as before', async () => {
      assert.deepEqual(await scan([nodes]), [`${py}:15 request`, `${py}:25 request`, `${py}:29 request`, `${py}:33 request`]);
    });
  });

  it('a strawberry resolver querying through its parent\'s relation, or with an `__in` filter, is one query per parent; a plain read of the relation its field prefetches is not', async () => {
    const nodes: ScanFile = {
      path: 'backend/apps/club/nodes.py',
      text: lines([
        'import strawberry',
        'import strawberry_django',
        'from apps.club.models import Club, Member, Person',
        '',
        '',
        '@strawberry.type',
        'class ClubNode:',
        '    id: strawberry.ID',
        '',
        '    @strawberry.field',
        '    def members(self) -> list[str]:',
        '        return [m.name for m in self.members.order_by("name")]',
        '',
        '    @strawberry.field',
        '    def guests(self) -> list[str]:',
        '        ids = self.visits.values_list("person_id", flat=True)',
        '        return list(Person.objects.filter(id__in=ids).values_list("name", flat=True))',
        '',
        '',
        '@strawberry_django.type(Club)',
        'class ClubType:',
        '    @strawberry_django.field(prefetch_related=["tags"])',
        '    def tags(self, root: Club) -> list[str]:',
        '        return [t.name for t in root.tags.all()]',
        '',
        '    @strawberry_django.field(prefetch_related=["tags"])',
        '    def recent_tags(self, root: Club) -> list[str]:',
        '        return [t.name for t in root.tags.order_by("-id")[:3]]',
        '',
        '    @strawberry_django.field(',
        '        prefetch_related=lambda info: Prefetch("sponsors", queryset=Person.objects.filter(active=True)),',
        '    )',
        '    def sponsors(self) -> list[str]:',
        '        return [p.name for p in self.sponsors.all()]',
        '',
      ]),
    };
    const py = 'backend/apps/club/nodes.py';
    assert.deepEqual(await scan([nodes]), [`${py}:12 request`, `${py}:17 request`, `${py}:28 request`]);
  });
});
