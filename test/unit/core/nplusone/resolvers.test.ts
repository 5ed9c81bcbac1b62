/**
 * Implicit N+1 in GraphQL (issue 14): a field resolver of an object type runs once per parent of
 * a list; a query in it that no DataLoader batches is one query per parent. Root types (Query,
 * Mutation) run once per request and are not reported.
 */
import { strict as assert } from 'node:assert';
import { detectNPlusOne, type NPlusOneEvidence } from '../../../../src/core/nplusone';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';

const found = async (text: string, file: string) => {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (await detectNPlusOne(text, file, file)).map((f) => {
    const ev = f.evidence as unknown as NPlusOneEvidence;
    return { line: starts.filter((s) => s <= f.span.start).length, implicit: ev.implicit, loop: ev.loop, fix: ev.rewrite.title };
  });
};

describe('core/nplusone GraphQL resolvers', () => {
  before(() => useTreeSitterFromNodeModules());

  it('JS resolver map: a per-parent field queries; Query fields and DataLoader fields do not count', async () => {
    const ts = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const resolvers = {\n  Query: {\n    books: () => pool.query('SELECT * FROM books'),\n  },\n  Book: {\n    author: (book) => pool.query('SELECT * FROM authors WHERE id = $1', [book.authorId]),\n    reviews: (book, _a, ctx) => ctx.reviewLoader.load(book.id),\n  },\n};\n";
    const f = await found(ts, 'src/graphql/resolvers.ts');
    assert.deepEqual(f.map((x) => [x.line, x.implicit, x.loop]), [[8, true, 'Book.author (GraphQL field resolver, once per parent Book)']]);
    assert.match(f[0].fix, /DataLoader/);
  });

  it('graphql-js GraphQLObjectType resolve and NestJS @ResolveField', async () => {
    const ts = "import { GraphQLObjectType } from 'graphql';\nimport { Resolver, ResolveField, Parent, Query } from '@nestjs/graphql';\nimport { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nconst BookType = new GraphQLObjectType({\n  name: 'Book',\n  fields: () => ({\n    shelf: { type: ShelfType, resolve: (book) => prisma.shelf.findUnique({ where: { id: book.shelfId } }) },\n  }),\n});\n@Resolver(() => Book)\nexport class BookResolver {\n  @Query(() => [Book])\n  books() { return prisma.book.findMany(); }\n  @ResolveField()\n  tags(@Parent() book: Book) { return prisma.tag.findMany({ where: { bookId: book.id } }); }\n}\n";
    assert.deepEqual((await found(ts, 'src/book.resolver.ts')).map((x) => x.line), [8, 16]);
  });

  it('Python: graphene resolve_<field> on an object type and strawberry fields', async () => {
    const py = 'import graphene\nimport strawberry\nfrom shop.models import Author, Review\n\nclass BookType(graphene.ObjectType):\n    author = graphene.Field(AuthorType)\n    def resolve_author(root, info):\n        return Author.objects.get(pk=root.author_id)\n\nclass Query(graphene.ObjectType):\n    def resolve_books(root, info):\n        return Book.objects.all()\n\n@strawberry.type\nclass Shelf:\n    @strawberry.field\n    def reviews(self) -> list[str]:\n        return list(Review.objects.filter(shelf=self.id))\n\n    @strawberry.field\n    async def books(self, info) -> list[str]:\n        return await info.context.book_loader.load(self.id)\n';
    const f = await found(py, 'shop/schema.py');
    assert.deepEqual(f.map((x) => [x.line, x.implicit]), [[8, true], [18, true]]);
    assert.match(f[0].fix, /DataLoader/);
  });

  it('Ruby graphql-ruby: a field method querying per object; dataloader is batched', async () => {
    const rb = 'module Types\n  class PostType < Types::BaseObject\n    field :author, Types::UserType\n    field :editor, Types::UserType\n    def author\n      User.find_by(id: object.author_id)\n    end\n    def editor\n      dataloader.with(Sources::Record, User).load(object.editor_id)\n    end\n  end\n  class QueryType < Types::BaseObject\n    field :posts, [Types::PostType]\n    def posts\n      Post.where(published: true).to_a\n    end\n  end\nend\n';
    const f = await found(rb, 'app/graphql/types/post_type.rb');
    assert.deepEqual(f.map((x) => x.line), [6]);
    assert.match(f[0].fix, /GraphQL::Dataloader/);
  });

  it('Java: @SchemaMapping on a type is per parent; @BatchMapping and @QueryMapping are not', async () => {
    const java = 'import org.springframework.graphql.data.method.annotation.*;\n@Controller\nclass BookController {\n  private final AuthorRepository authorRepository;\n  @QueryMapping\n  List<Book> books() { return bookRepository.findAll(); }\n  @SchemaMapping(typeName = "Book")\n  Author author(Book book) { return authorRepository.findById(book.authorId()).orElseThrow(); }\n  @BatchMapping(typeName = "Book")\n  Map<Book, Shelf> shelf(List<Book> books) { return shelfRepository.findByBooks(books); }\n}\n';
    const f = await found(java, 'src/main/java/shop/BookController.java');
    assert.deepEqual(f.map((x) => x.line), [8]);
    assert.match(f[0].fix, /@BatchMapping/);
  });

  it('Go gqlgen: a method of a type resolver with obj queries per parent; queryResolver does not', async () => {
    const go = 'package graph\n\nimport (\n\t"context"\n\t"database/sql"\n\n\t"github.com/99designs/gqlgen/graphql"\n)\n\ntype Resolver struct{ db *sql.DB }\ntype bookResolver struct{ *Resolver }\ntype queryResolver struct{ *Resolver }\n\nfunc (r *bookResolver) Author(ctx context.Context, obj *model.Book) (*model.Author, error) {\n\trow := r.db.QueryRowContext(ctx, "SELECT id, name FROM authors WHERE id = $1", obj.AuthorID)\n\treturn scanAuthor(row)\n}\n\nfunc (r *queryResolver) Books(ctx context.Context) ([]*model.Book, error) {\n\trows, err := r.db.QueryContext(ctx, "SELECT id FROM books")\n\treturn scanBooks(rows, err)\n}\n';
    const f = await found(go, 'graph/schema.resolvers.go');
    assert.deepEqual(f.map((x) => x.line), [15]);
  });
});
