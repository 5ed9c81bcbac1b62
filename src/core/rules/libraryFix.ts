/**
 * Fix text in the words of the library the code uses. A rule finding on SQL that an ORM builds, or
 * on a statement kept in a file of its own and called from elsewhere (aiosql/goyesql named queries,
 * MyBatis XML mappers), is fixed through that library's API, not by editing raw SQL: the help names
 * the call to write. The library comes from the site's api and the file's imports; unknown → the
 * rule's own (SQL) help stands.
 */
import type { SqlSite } from '../extract/types';

export type Library =
  | 'prisma'
  | 'sequelize'
  | 'typeorm'
  | 'kysely'
  | 'knex'
  | 'drizzle'
  | 'django'
  | 'sqlalchemy'
  | 'activerecord'
  | 'gorm'
  | 'spring-data'
  | 'aiosql'
  | 'named-query'
  | 'mybatis';

const IMPORTS: [Library, RegExp][] = [
  ['prisma', /@prisma\/client|\bprisma\.\w+\.find(?:Many|First|Unique)\b/],
  ['sequelize', /['"]sequelize(?:-typescript)?['"]/],
  ['typeorm', /['"]typeorm['"]/],
  ['kysely', /['"]kysely['"]/],
  ['knex', /['"]knex['"]/],
  ['drizzle', /['"]drizzle-orm(?:\/[\w-]+)?['"]/],
  ['django', /^\s*from\s+django(?:\.|\s)|^\s*import\s+django\b/m],
  ['sqlalchemy', /^\s*from\s+sqlalchemy\b|^\s*import\s+sqlalchemy\b/m],
  ['gorm', /"gorm\.io\/gorm"/],
  ['spring-data', /import\s+org\.springframework\.data\./],
  ['activerecord', /<\s*(?:ApplicationRecord|ActiveRecord::Base)\b|\.where\(|\.order\(|\.find_each\b/],
];

/** The library a site's SQL comes from or a file's code uses. */
export function libraryOf(file: string, text: string, site?: Pick<SqlSite, 'api'>): Library | undefined {
  if (site?.api === 'mybatis') return 'mybatis';
  // `-- name:` files: aiosql (Python) takes :name parameters; goyesql, dotsql and the like (Go, listmonk) take $n.
  if (site?.api === 'named-query') return usesPositionalParameters(text) ? 'named-query' : 'aiosql';
  for (const [lib, re] of IMPORTS) {
    if (lib === 'activerecord' && !/\.rb$/.test(file)) continue;
    if (re.test(text)) return lib;
  }
  return undefined;
}

/** Does the file's SQL take $1-style parameters rather than :name ones (a `::type` cast is not a parameter)? */
function usesPositionalParameters(text: string): boolean {
  const positional = (text.match(/\$\d+/g) ?? []).length;
  const named = (text.match(/(?<![:\w]):[A-Za-z_]\w*/g) ?? []).length;
  return positional > named;
}

/** Keyset pagination through each library's API. */
const KEYSET: Record<Library, string> = {
  prisma: 'Use cursor pagination: findMany({ cursor: { id: lastId }, skip: 1, take: n, orderBy: { id: "asc" } }) instead of skip.',
  sequelize: 'Use keyset pagination: findAll({ where: { id: { [Op.gt]: lastId } }, order: [["id", "ASC"]], limit: n }) instead of offset.',
  typeorm: 'Use keyset pagination: find({ where: { id: MoreThan(lastId) }, order: { id: "ASC" }, take: n }) (or .where("e.id > :lastId", { lastId }).orderBy("e.id").take(n) on a query builder) instead of skip/offset.',
  kysely: "Use keyset pagination: .where('id', '>', lastId).orderBy('id').limit(n) instead of .offset().",
  knex: "Use keyset pagination: .where('id', '>', lastId).orderBy('id').limit(n) instead of .offset().",
  drizzle: 'Use keyset pagination: .where(gt(table.id, lastId)).orderBy(table.id).limit(n) instead of .offset().',
  django: "Use keyset pagination: qs.filter(pk__gt=last_pk).order_by('pk')[:n] instead of slicing at an offset (Django REST framework: CursorPagination).",
  sqlalchemy: 'Use keyset pagination: select(T).where(T.id > last_id).order_by(T.id).limit(n) instead of .offset().',
  activerecord: "Use keyset pagination: where('id > ?', last_id).order(:id).limit(n) instead of .offset (find_each for batch jobs).",
  gorm: 'Use keyset pagination: db.Where("id > ?", lastID).Order("id").Limit(n) instead of .Offset().',
  'spring-data': 'Use keyset scrolling: a Window<T> query method with ScrollPosition.keyset() (Spring Data 3.1+), or findByIdGreaterThanOrderByIdAsc(lastId, Limit.of(n)), instead of a Pageable offset.',
  aiosql: 'Change the named query to take the last key instead of an offset — WHERE id > :last_id ORDER BY id LIMIT :limit — and pass last_id= where it is called (queries.<name>(conn, last_id=…, limit=…)).',
  'named-query': 'Change the named query to take the last key instead of an offset — WHERE id > $n ORDER BY id LIMIT $m, with the next free parameter numbers — and pass the last row\'s id where it is called instead of the offset.',
  mybatis: 'Change the mapper statement to take the last key instead of an offset — WHERE id &gt; #{lastId} ORDER BY id LIMIT #{limit} — and add lastId to the mapper method (PageHelper.startPage pages by offset too).',
};

/**
 * Where a statement kept in a file of its own changes for keyset pagination, when the rule's rewrite (keyed on its
 * ORDER BY, with new parameter names) follows as the one suggestion.
 */
export function libraryKeysetLead(lib: Library | undefined): string | undefined {
  if (lib === 'aiosql') return 'Change the named query to take the last row\'s sort key instead of an offset, and pass it where the query is called (queries.<name>(conn, …)).';
  if (lib === 'mybatis') return 'Change the mapper statement to take the last row\'s sort key instead of an offset, and add it to the mapper method.';
  return undefined;
}

/** Reading every row through each library's API. */
const UNBOUNDED: Partial<Record<Library, string>> = {
  django: 'Page with keyset pagination, aggregate in the database (.aggregate/.annotate), or stream with .iterator(chunk_size=…) if every row is needed.',
  sqlalchemy: 'Page with .limit() and keyset pagination, aggregate in SQL, or stream with .execution_options(yield_per=…) if every row is needed.',
  activerecord: 'Page with .limit and keyset pagination, aggregate in SQL (.count/.sum/.group), or use find_each / in_batches if every row is needed.',
  sequelize: 'Page with limit and a where on the last key, aggregate in SQL (count/sum with group), or read in batches if every row is needed.',
  prisma: 'Page with take and cursor, aggregate with groupBy/aggregate/count, or read in batches if every row is needed.',
  aiosql: 'Give the named query a LIMIT :limit and keyset pagination (WHERE id > :last_id), or aggregate in SQL; the callers pass the new parameters.',
  'named-query': 'Give the named query a LIMIT and keyset pagination (WHERE id > the last id, each a new $n parameter), or aggregate in SQL; the callers pass the new parameters.',
  mybatis: 'Give the mapper statement a LIMIT #{limit} and keyset pagination (WHERE id &gt; #{lastId}), or aggregate in SQL; use a Cursor<T> result or a ResultHandler if every row is needed.',
};

/** Naming columns through each library's API. */
const COLUMNS: Partial<Record<Library, string>> = {
  django: 'Ask only for the fields used: .only(…)/.values(…) on the queryset.',
  sqlalchemy: 'Ask only for the columns used: select(T.a, T.b) or .options(load_only(T.a, T.b)).',
  activerecord: 'Ask only for the columns used: .select(:a, :b) or .pluck(:a, :b).',
  prisma: 'Ask only for the fields used: select: { a: true, b: true }.',
  sequelize: "Ask only for the columns used: attributes: ['a', 'b'].",
  typeorm: 'Ask only for the columns used: select: { a: true, b: true } (or .select([...]) on a query builder).',
  aiosql: 'Name the columns in the named query; the record keys its callers read stay the same.',
  'named-query': 'Name the columns in the named query; the fields its callers read stay the same.',
  mybatis: 'Name the columns in the statement (or in a shared <sql id> column list included with <include refid>); keep the resultMap in step.',
};

/** The library's way to fix a rule's finding, or undefined (keep the rule's own help). */
export function libraryHelp(ruleId: string, lib: Library | undefined): string | undefined {
  if (!lib) return undefined;
  switch (ruleId) {
    case 'offset-pagination':
      return KEYSET[lib];
    case 'unbounded-query':
      return UNBOUNDED[lib];
    case 'select-star':
      return COLUMNS[lib];
  }
  return undefined;
}
