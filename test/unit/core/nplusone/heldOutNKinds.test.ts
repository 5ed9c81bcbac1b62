/**
 * Kinds seen on the ninth session's held-out apps (issue 14, held-out-n: a strawberry-django server whose
 * client documents are `.graphql` files, a type-graphql server reaching knex through a query layer and
 * data-source interfaces, a graphql-ruby server). One small synthetic fixture per kind.
 */
import { strict as assert } from 'node:assert';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const lines = (src: string[]) => src.join('\n') + '\n';

/** `file:line context` of each finding of a scan. */
const scan = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context}`).sort();

describe('n-plus-one: kinds seen on held-out-n (implicit N+1: .graphql client documents, a query layer over data sources, graphql-ruby)', () => {
  useTreeSitterFromNodeModules();

  describe('strawberry resolvers judged by the client\'s `.graphql` documents', () => {
    const types: ScanFile = {
      path: 'backend/api/events/types.py',
      text: lines([
        'import strawberry',
        'import strawberry_django',
        'from events.models import Event as EventModel, Talk as TalkModel',
        '',
        '',
        '@strawberry.type',
        'class Talk:',
        '    id: strawberry.ID',
        '',
        '    @strawberry_django.field(name="roomUrl")',
        '    def _room_url(self) -> str:',
        '        return self.rooms.first().url',
        '',
        '    @strawberry_django.field(annotate={"graphql_is_full": is_full_annotation})',
        '    def is_full(self) -> bool:',
        '        try:',
        '            return self.graphql_is_full',
        '        except AttributeError:',
        '            return self.attendees.filter(waiting=False).count() >= self.capacity',
        '',
        '',
        '@strawberry.type',
        'class Event:',
        '    id: strawberry.ID',
        '',
        '    @strawberry.field',
        '    def talks(self) -> list[Talk]:',
        '        return self.talks.order_by("start")',
        '',
        '    @strawberry.field',
        '    def related(self) -> list[Related]:',
        '        return []',
        '',
        '    @strawberry.field',
        '    def sponsors(self) -> list[str]:',
        '        return list(self.sponsors.order_by("name").values_list("name", flat=True))',
        '',
        '',
        '@strawberry.type',
        'class Venue:',
        '    name: str',
        '    sponsors: list[str]',
        '',
        '',
        '@strawberry.type',
        'class Paginated(Generic[ItemType]):',
        '    items: list[ItemType]',
        '    total: int',
        '',
        '',
        '@strawberry.type',
        'class EventQuery:',
        '    @strawberry.field',
        '    def event(self, slug: str) -> Event:',
        '        return EventModel.objects.get(slug=slug)',
        '',
        '    @strawberry.field',
        '    def events(self) -> Paginated[Event]:',
        '        return Paginated(items=list(EventModel.objects.all()), total=0)',
        '',
        '    @strawberry.field',
        '    def talk(self, id: strawberry.ID) -> Talk:',
        '        return TalkModel.objects.get(id=id)',
        '',
        '    @strawberry.field',
        '    def tags(self) -> list[str]:',
        '        return []',

        '',
      ]),
    };
    // A root field written as a module-level resolver, gathered into a Query type elsewhere.
    const queries: ScanFile = {
      path: 'backend/api/users/queries.py',
      text: lines([
        'import strawberry_django',
        'from strawberry.tools import create_type',
        'from api.events.types import Talk',
        '',
        '',
        '@strawberry_django.field',
        'def my_talks(info) -> list[Talk]:',
        '    return list(info.context.request.user.talks.all())',
        '',
        '',
        'UserQuery = create_type("UserQuery", [my_talks])',
        '',
      ]),
    };
    // The server's own schema (SDL) beside the documents: not something a client asks.
    const schema: ScanFile = {
      path: 'backend/schema.graphql',
      text: lines([
        'type Event {',
        '  id: ID!',
        '  talks: [Talk!]!',
        '  sponsors: [String!]!',
        '}',
        '',
        'union Result = Event | Talk',
        '',
        'type Talk {',
        '  id: ID!',
        '  roomUrl: String!',
        '}',
        '',
      ]),
    };
    const documents: ScanFile[] = [
      { path: 'frontend/src/pages/event.graphql', text: lines(['query EventPage($slug: String!) {', '  event(slug: $slug) {', '    talks { id isFull }', '    sponsors', '  }', '}']) },
      { path: 'frontend/src/pages/talk.graphql', text: lines(['query TalkPage($id: ID!) {', '  talk(id: $id) { id roomUrl }', '  tags', '}']) },
      { path: 'frontend/src/pages/events.gql', text: lines(['query Events {', '  events { items { id talks { id } } total }', '}']) },
      // `sponsors` under a union the reader cannot resolve (`list[Related]`), in a fragment on Venue: Venue's, not Event's.
      { path: 'frontend/src/pages/related.graphql', text: lines(['query Related($slug: String!) {', '  event(slug: $slug) {', '    related { ... on Venue { name sponsors } }', '  }', '}']) },
      { path: 'frontend/src/pages/me.graphql', text: lines(['query MyTalks {', '  myTalks { ...TalkRow }', '}', '', 'fragment TalkRow on Talk {', '  id', '  roomUrl', '}']) },
    ];
    const py = 'backend/api/events/types.py';

    it('a field asked under a list (through a generic `Paginated[Event]`, a module-level root resolver, a fragment, a decorator\'s `name=`) stays; one asked of one object (or of another type, by a fragment\'s type condition) is once per request', async () => {
      // Event.talks per event of `events { items }`; Talk.roomUrl per talk of `myTalks`;
      // Event.sponsors only under `event(slug)`; Talk.isFull reads the annotation its field asks for.
      assert.deepEqual(await scan([types, queries, schema, ...documents]), [`${py}:12 request`, `${py}:28 request`]);
    });

    it('without the documents every resolver of a listed type is judged per parent, except the annotated value\'s fallback', async () => {
      assert.deepEqual(await scan([types, queries]), [`${py}:12 request`, `${py}:28 request`, `${py}:36 request`]);
    });
  });

  describe('type-graphql resolvers reaching knex through a query layer and data-source interfaces', () => {
    const resolver: ScanFile = {
      path: 'apps/backend/src/resolvers/types/Order.ts',
      text: lines([
        "import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';",
        "import { ResolverContext } from '../../context';",
        '',
        '@Resolver(() => Order)',
        'export class OrderResolver {',
        '  @FieldResolver(() => [Line])',
        '  async lines(@Root() order: Order, @Ctx() context: ResolverContext) {',
        '    return context.queries.order.getLines(context.user, order.id);',
        '  }',
        '',
        '  @FieldResolver(() => Status)',
        '  async status(@Root() order: Order, @Ctx() context: ResolverContext) {',
        '    return context.queries.status.getStatus(context.user, order.statusId);',
        '  }',
        '',
        '  @FieldResolver(() => Customer)',
        '  async customer(@Root() order: Order, @Ctx() context: ResolverContext) {',
        '    return context.queries.customer.get(context.user, order.customerId);',
        '  }',
        '',
        '  @FieldResolver(() => BasicUser)',
        '  async owner(@Root() order: Order, @Ctx() context: ResolverContext) {',
        '    return context.queries.user.getBasic(context.user, order.ownerId);',
        '  }',
        '}',
        '',
      ]),
    };
    const ordersQuery: ScanFile = {
      path: 'apps/backend/src/resolvers/queries/OrdersQuery.ts',
      text: lines([
        "import { Ctx, Query, Resolver } from 'type-graphql';",
        '',
        '@Resolver()',
        'export class OrdersQuery {',
        '  @Query(() => [Order])',
        '  orders(@Ctx() context: ResolverContext) {',
        '    return context.queries.order.getAll(context.user);',
        '  }',
        '}',
        '',
      ]),
    };
    const orderQueries: ScanFile = {
      path: 'apps/backend/src/queries/OrderQueries.ts',
      text: lines([
        "import { inject, injectable } from 'tsyringe';",
        '',
        '@injectable()',
        'export default class OrderQueries {',
        '  constructor(@inject(Tokens.OrderDataSource) public dataSource: OrderDataSource) {}',
        '',
        '  async getLines(agent: User | null, orderId: number) {',
        '    return this.dataSource.getOrderLines(orderId);',
        '  }',
        '}',
        '',
      ]),
    };
    const statusQueries: ScanFile = {
      path: 'apps/backend/src/queries/StatusQueries.ts',
      text: lines([
        'export default class StatusQueries {',
        '  constructor(public dataSource: StatusDataSource) {}',
        '',
        '  async getStatus(agent: User | null, id: number) {',
        '    return this.dataSource.getStatus(id);',
        '  }',
        '}',
        '',
      ]),
    };
    const customerQueries: ScanFile = {
      path: 'apps/backend/src/queries/CustomerQueries.ts',
      text: lines([
        'export default class CustomerQueries {',
        '  constructor(public dataSource: CustomerDataSource) {}',
        '',
        '  async get(agent: User | null, id: number) {',
        '    return this.dataSource.get(id);',
        '  }',
        '}',
        '',
      ]),
    };
    const userQueries: ScanFile = {
      path: 'apps/backend/src/queries/UserQueries.ts',
      text: lines([
        'export default class UserQueries {',
        '  constructor(public dataSource: UserDataSource, private basicLoader: BasicUserLoader, private auth: UserAuth) {}',
        '',
        '  async getBasic(agent: User | null, id: number) {',
        '    const user = await this.basicLoader.batchLoader.load(id);',
        '    const allowed = await this.auth.canReadUsers(agent);',
        '    return allowed ? user : null;',
        '  }',
        '}',
        '',
      ]),
    };
    const auth: ScanFile = {
      path: 'apps/backend/src/auth/UserAuth.ts',
      text: lines([
        "import database from '../datasources/postgres/database';",
        '',
        'export class UserAuth {',
        '  async canReadUsers(agent: User | null) {',
        "    const row = await database('roles').where({ user_id: agent?.id }).first();",
        '    return !!row;',
        '  }',
        '}',
        '',
      ]),
    };
    // The app's own module exporting the knex instance, called knex's way: `database('table')…`.
    const postgres: ScanFile = {
      path: 'apps/backend/src/datasources/postgres/OrderDataSource.ts',
      text: lines([
        "import database from './database';",
        '',
        'export default class PostgresOrderDataSource implements OrderDataSource {',
        '  async getOrderLines(orderId: number) {',
        "    return database('order_lines').select('*').where({ order_id: orderId });",
        '  }',
        '',
        '  async getStatus(id: number) {',
        "    return database('statuses').where({ status_id: id }).first();",
        '  }',
        '',
        '  async get(id: number) {',
        "    return database('customers').where({ customer_id: id }).first();",
        '  }',
        '}',
        '',
      ]),
    };
    // Test doubles kept beside the data sources (not in a test folder): not what the app runs.
    const mock: ScanFile = {
      path: 'apps/backend/src/datasources/mockups/OrderDataSource.ts',
      text: lines([
        'export class OrderDataSourceMock implements OrderDataSource {',
        '  async getOrderLines(orderId: number) {',
        '    return dummyLines.filter((l) => l.orderId === orderId);',
        '  }',
        '',
        '  async getStatus(id: number) {',
        '    return dummyStatuses[id];',
        '  }',
        '}',
        '',
      ]),
    };
    const file = 'apps/backend/src/resolvers/types/Order.ts';

    it('a field resolver calling the query layer that reaches a data source is one query per parent; a DataLoader-backed read is not', async () => {
      const found = await scan([resolver, ordersQuery, orderQueries, statusQueries, customerQueries, userQueries, auth, postgres, mock]);
      assert.deepEqual(found.filter((f) => f.startsWith(file)), [`${file}:13 request`, `${file}:18 request`, `${file}:8 request`]);
    });
  });
  it('graphql-ruby: a field with no resolver of its own reading a model association, and a field method (declared through the app\'s own `*_field` helper) querying through the parent\'s association, run per parent of a listed type', async () => {
    const model: ScanFile = {
      path: 'app/models/review.rb',
      text: lines(['class Review < ApplicationRecord', '  belongs_to :book', '  belongs_to :reviewer, class_name: "User"', '  has_many :comments', '', '  def reviewer_name', '    reviewer&.name', '  end', 'end']),
    };
    const review: ScanFile = {
      path: 'app/graphql/types/review_type.rb',
      text: lines([
        'module Types',
        '  class ReviewType < Types::BaseObject',
        '    field :id, ID, null: false',
        '    field :state, Types::ReviewStateType, null: false',
        '    field :book, Types::BookType, null: false',
        '    field :reviewer, Types::UserType, null: true, method: :author',
        '    nilable_field :comments, [Types::CommentType], null: true do',
        '      argument :kind, String, required: false',
        '    end',
        '',
        '    def comments(kind: nil)',
        '      object.comments.where(kind: kind)',
        '    end',
        '',
        '    field :reviewer_name, String, null: true',
        '    def reviewer_name',
        '      object.reviewer_name.upcase',
        '    end',
        '  end',
        'end',
      ]),
    };
    const otherTypes = (query: string) => lines([
        'module Types',
        '  class BookType < Types::BaseObject',
        '    field :id, ID, null: false',
        '  end',
        '  class UserType < Types::BaseObject',
        '    field :id, ID, null: false',
        '  end',
        '  class CommentType < Types::BaseObject',
        '    field :id, ID, null: false',
        '  end',
        '  class ReviewStateType < Types::BaseEnum',
        '    value "draft"',
        '  end',
        '  class QueryType < Types::BaseObject',
        '    field :reviews, [Types::ReviewType], null: false',
        '    def reviews = ' + query,
        '  end',
        'end',
      ]);
    const others: ScanFile = { path: 'app/graphql/types/other_types.rb', text: otherTypes('Review.order(:id)') };
    const t = 'app/graphql/types/review_type.rb';
    // book: default resolver, an association; reviewer: `method:` names another method; state: an enum;
    // reviewer_name: the model's method reads the `reviewer` association.
    assert.deepEqual(await scan([model, review, others]), [`${t}:12 request`, `${t}:17 request`, `${t}:5 request`]);
    // The list's query preloads the association: no query per parent for it.
    const preloaded: ScanFile = { ...others, text: otherTypes('Review.includes(:book).order(:id)') };
    assert.deepEqual(await scan([model, review, preloaded]), [`${t}:12 request`, `${t}:17 request`]);
  });
});
