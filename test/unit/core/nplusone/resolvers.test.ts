/**
 * Implicit N+1 in GraphQL (issue 14): a field resolver of an object type runs once per parent of
 * a list; a query in it that no DataLoader batches is one query per parent. Root types (Query,
 * Mutation) run once per request and are not reported.
 */
import { strict as assert } from 'node:assert';
import { detectWithLines } from '../../support/nplusoneFixtures';

const found = async (text: string, file: string) =>
  (await detectWithLines(text, file)).map(({ line, evidence: ev }) => ({ line, implicit: ev.implicit, loop: ev.loop, fix: ev.rewrite.title }));

describe('core/nplusone GraphQL resolvers', () => {

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

  it('serializers beyond DRF: ActiveModel::Serializer methods, marshmallow fields.Method, and every get_ of several DRF serializers in one file', async () => {
    const rb = 'class PostSerializer < ActiveModel::Serializer\n  attributes :id, :comment_count\n  def comment_count\n    Comment.where(post_id: object.id).count\n  end\nend\n';
    const f = await found(rb, 'app/serializers/post_serializer.rb');
    assert.deepEqual(f.map((x) => [x.line, x.implicit]), [[4, true]]);
    assert.match(f[0].loop, /PostSerializer#comment_count \(serializer method/);
    const py = 'from marshmallow import Schema, fields\nfrom flask_sqlalchemy import SQLAlchemy\nclass BookSchema(Schema):\n    reviews = fields.Method("get_reviews")\n    def get_reviews(self, obj):\n        return Review.query.filter_by(book_id=obj.id).count()\n    def get_other(self, obj):\n        return Review.query.filter_by(book_id=obj.id).count()\n';
    assert.deepEqual((await found(py, 'shop/schemas.py')).map((x) => x.line), [6]);
    const drf = 'from rest_framework import serializers\nfrom shop.models import Review\n\nclass A(serializers.ModelSerializer):\n    def get_n(self, obj):\n        return Review.objects.filter(book=obj).count()\n\nclass B(serializers.ModelSerializer):\n    def get_n(self, obj):\n        return Review.objects.filter(author=obj).count()\n';
    assert.deepEqual((await found(drf, 'shop/serializers.py')).map((x) => x.line), [6, 10]);
  });
});
