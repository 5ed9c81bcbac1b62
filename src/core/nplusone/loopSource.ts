/**
 * What a loop walks, by where its collection comes from (issue 14, "a parent's few children"):
 *  - `children`: the rows of ONE parent — a relation read on one object (`user.applications`, `gist.Languages`,
 *    `story.comments.all()`), a query filtered by a single parent key (`GetApplicationsByUser(userID)`,
 *    `Setting.objects.filter(group=g)`, `where: { workflowId }`, `WHERE group_id = $1`), or the array a request
 *    body lists (`req.body.steps`, `request.data["ids"]`);
 *  - `page`: rows of the data as a whole — a whole table or list endpoint (`.all()`, `findMany()` with no
 *    filter, `SELECT … FROM t` with no WHERE), a paginated query.
 * Read from the loop's iterable and, when that is a name, the value bound to it. The code holds no evidence of
 * how many children a parent has: the database does (rows per parent = reltuples / n_distinct of the child
 * table's key column, db/perParent.ts), so `children` names the parent, the children and, when the code says
 * it, the child table and the key column the database is asked about. Pure text, no syntax tree.
 */
export interface LoopSource {
  kind: 'children' | 'page';
  /** The parent as the code names it (`user`, `group`, `the request`). */
  parent?: string;
  /** The children as the code names them (`applications`, `Languages`, `setting`). */
  children?: string;
  /** The key column the query filters on, when written (`group_id`, `workflowId`, `user`). */
  column?: string;
  /** What the classification read, as written (shortened). */
  from: string;
}

/** Receivers that are not one parent row: the object itself, a request, a context, a configuration, a module. */
const NOT_A_PARENT = /^(self|this|cls|super|request|req|res|ctx|context|c|e|g|app|db|conn|connection|session|tx|trx|client|config|cfg|conf|settings|options|opts|params|args|kwargs|props|state|env|os|sys|data|body|payload|input|form|event|result|results|response|resp|module|exports|window|document|global|globals|model|models|schema|meta|_meta|metadata|django|sqlalchemy|prisma|knex|sequelize|orm|repo|repository|store|service|services|api|utils?|helpers?|constants?|enum|enums|[A-Z][A-Z0-9_]*)$/;

/** A request's body or form as the loop's collection. */
const REQUEST_BODY = /^(?:await\s+)?(?:(?:req|request|ctx\.request|c\.Request|r)\.(?:body|data|json|form|POST|params|payload)|body|input|payload|(?:parsed|validated)(?:Body|Data|Input)?(?:\.data)?)\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"]\s*\])/;

/** A plural-looking member name: `applications`, `Languages`, `children`, `comment_set`, `items`. */
function plural(name: string): boolean {
  return /_set$|(?<!s)s$|ren$|(?:ies|ses|xes)$|(?:List|Items|Data)$/.test(name) && !/(?:ss|us|is|status|address|access|process|class|alias)$/i.test(name);
}

/** A name that stands for one row: singular-looking, lower-case first, not a known non-row receiver. */
function singleRow(name: string): boolean {
  return /^@?[a-z_][A-Za-z0-9_]*$/.test(name) && !NOT_A_PARENT.test(name.replace(/^@/, '')) && !plural(name.replace(/^@/, '')) && !/(?:list|rows|items|all|ids|set|map|page|batch|chunk|groups|query|qs|queryset|scope|relation|records|collection|array|arr|objects)$/i.test(name.replace(/^@/, ''));
}

/** `group_id` → group, `workflowId` → workflow, `userID` → user, `group` → group. */
function parentOfKey(key: string): string {
  return key.replace(/_?(?:id|Id|ID|_pk|_uuid|Uuid|UUID)$/, '') || key;
}

/** The key of a single-parent filter: `x_id` / `xId` / `xID`, or (Django, Rails) a relation name set to a plain name. */
const KEY_NAME = /^[A-Za-z_]\w*?(?:_id|Id|ID|_uuid|Uuid)$/;

/** The children named by a query call: `Setting.objects.filter` → Setting, `prisma.step.findMany` → step, `FROM steps` → steps. */
function childrenOfQuery(text: string): string | undefined {
  const sql = /\bFROM\s+(?:"?\w+"?\.)?"?([A-Za-z_]\w*)"?/i.exec(text);
  if (sql) return sql[1];
  const m = /(?:^|[^\w.])([A-Z]\w*)\s*\.\s*(?:objects\s*\.\s*)?(?:filter|where|find_by|findAll|findMany|find|query|select)\b/.exec(text)
    ?? /\b(?:prisma|tx|db|ctx\.db|this\.prisma)\s*\.\s*([a-z]\w*)\s*\.\s*find(?:Many|All)\b/.exec(text)
    ?? /\bquery\(\s*([A-Z]\w*)\s*\)/.exec(text)
    ?? /\bselect\(\s*([A-Z]\w*)\s*\)/.exec(text)
    ?? /\b(?:getRepository|Model)\(\s*([A-Z]\w*)\s*\)/.exec(text)
    ?? /\bknex\(\s*['"](\w+)['"]\s*\)|\.from\(\s*['"](\w+)['"]\s*\)|\.table\(\s*['"](\w+)['"]\s*\)/.exec(text);
  return m?.slice(1).find((x) => x !== undefined);
}

/** A filter by one parent key, as ORMs and SQL write it; the key, or undefined. */
function singleKeyFilter(text: string): string | undefined {
  // SQL: WHERE [t.]group_id = $1 | ? | :group | %s | @id — and no IN / ANY list on that key.
  const sql = /\bWHERE\s+(?:"?\w+"?\.)?"?([A-Za-z_]\w*)"?\s*=\s*(?:\$\d+|\?|:\w+|%s|%\(\w+\)s|@\w+)/i.exec(text);
  if (sql && KEY_NAME.test(sql[1])) return sql[1];
  // Django / SQLAlchemy filter_by: .filter(group=g) / .filter(group_id=g.id) / filter_by(user_id=uid): the first keyword.
  const kw = /\.(?:filter|filter_by|get_list|exclude)\(\s*([a-z_]\w*)\s*=\s*(?![\[(]|["'\d]|None|True|False)([A-Za-z_][\w.]*)\s*[,)]/.exec(text);
  // A value that is a constant (`status=Asset.STATUS_PENDING`, `kind=KIND`) picks a state, not a parent.
  if (kw && !/(?:^|\.)[A-Z][A-Z0-9_]*$/.test(kw[2]) && !/__(?:in|gt|gte|lt|lte|contains|icontains|startswith|range|isnull)$/.test(kw[1]) && (KEY_NAME.test(kw[1]) || singleRow(kw[1]))) return kw[1];
  // Rails: where(user_id: x) / where(user: u); knex: .where('user_id', x) / .where({ user_id: x }).
  const rb = /\.where\(\s*\{?\s*:?([a-z_]\w*)\s*(?::|=>)\s*(?![\[\d'"]|nil\b|true\b|false\b)@?[A-Za-z_][\w.]*\s*\}?\s*\)/.exec(text)
    ?? /\.where\(\s*['"]([a-z_]\w*)['"]\s*,\s*(?:['"]=['"]\s*,\s*)?(?![\[\d'"])[A-Za-z_][\w.]*\s*\)/.exec(text);
  if (rb && (KEY_NAME.test(rb[1]) || singleRow(rb[1]))) return rb[1];
  // Prisma / TypeORM / Sequelize: where: { workflowId: id } or { workflowId } with one key.
  const js = /\bwhere\s*:\s*\{\s*([A-Za-z_]\w*)\s*(?::\s*(?![\[{\d'"]|null\b|true\b|false\b)[A-Za-z_$][\w$.]*\s*)?,?\s*\}/.exec(text);
  if (js && KEY_NAME.test(js[1])) return js[1];
  return undefined;
}

/** A query over the data as a whole: a whole table, a list endpoint, a page. */
function wholeOrPage(text: string): string | undefined {
  const page = /\b(?:paginate|paginator|Paginator|page|per_page|perPage|pageSize|page_size|offset|skip|PageRequest|Pageable|cursor)\b/.exec(text);
  if (page) return page[0];
  if (/\bSELECT\b[\s\S]*\bFROM\b/i.test(text) && !/\bWHERE\b/i.test(text)) return 'SELECT without WHERE';
  const all = /\.objects\.all\(\)|\.query\.all\(\)|(?:^|[^\w.])[A-Z]\w*\.(?:all|find_each|find_in_batches|in_batches)\b|\.findMany\(\s*\)|\.findAll\(\s*\)|\.find\(\s*\)|\.findMany\(\s*\{\s*(?:select|include|orderBy|take)\b(?![\s\S]*\bwhere\b)|\bselect\(\s*[A-Z]\w*\s*\)(?![\s\S]*\.(?:where|filter|filter_by)\()/.exec(text);
  return all?.[0];
}

/**
 * The class of a loop's source. `iterable`: the loop's collection as written; `bound`: the value bound to its root
 * name before the loop (`apps, err := db.GetApplicationsByUser(id)`), when there is one.
 */
export function loopSourceOf(iterable: string | undefined, bound: string | undefined): LoopSource | undefined {
  const it = (iterable ?? '').replace(/^await\s+/, '').replace(/\s+/g, ' ').trim();
  if (!it) return undefined;
  const short = (t: string) => (t.length > 60 ? `${t.slice(0, 57)}…` : t);
  // A request body's array: the items a person sent.
  const body = REQUEST_BODY.exec(it) ?? (bound ? REQUEST_BODY.exec(bound.replace(/\s+/g, ' ').trim()) : null);
  if (body) return { kind: 'children', parent: 'the request', children: body[1] ?? body[2], from: short(body[0]) };
  // A relation read on one object: user.applications, gist.Languages, story.comments.all(), user.getRoles(), @story.comments.
  const rel = /^(@?[A-Za-z_]\w*)\s*\.\s*(?:get)?([A-Za-z_]\w*?)(?:\.all\(\)|\.each\b.*|\.(?:to_a|to_list|all)\b|\(\))?$/.exec(it);
  if (rel && singleRow(rel[1]) && plural(rel[2]) && !/^(?:keys|values|items|entries|lines|args|fields|columns|errors|rows|results|children|parents)$/i.test(rel[2])) {
    return { kind: 'children', parent: rel[1].replace(/^@/, ''), children: rel[2].replace(/_set$/, ''), from: short(it) };
  }
  for (const text of [it, bound?.replace(/\s+/g, ' ').trim()]) {
    if (!text) continue;
    // A function named for one parent: GetApplicationsByUser(userID), findStepsByWorkflowId(id), get_settings_for_group(g).
    const by = /\b(?:[Gg]et|[Ff]ind|[Ll]ist|[Ll]oad|[Ff]etch|[Ss]elect|[Qq]uery|[Rr]ead)(?:All|Many)?([A-Z]\w*?)(?:By|For|Of)([A-Z][a-z0-9]*)(?:Id|ID|Uuid|UUID)?\s*\(\s*[A-Za-z_@$][\w.$]*\s*\)/.exec(text)
      ?? /\b(?:get|find|list|load|fetch|select|query|read)_(?:all_)?([a-z]\w*?)_(?:by|for|of)_([a-z]+?)(?:_id|_uuid)?\s*\(\s*[A-Za-z_@][\w.]*\s*\)/.exec(text);
    if (by && !/^(?:Ids?|Name|Names|Key|Keys|Page|Pages|Filter|Query)$/i.test(by[2])) {
      return { kind: 'children', parent: by[2].toLowerCase(), children: by[1], from: short(by[0]) };
    }
    const key = singleKeyFilter(text);
    if (key && !/\b(?:IN|ANY)\s*\(|__in\b|\[\s*\]/i.test(text)) {
      const children = childrenOfQuery(text);
      return { kind: 'children', parent: parentOfKey(key).replace(/_$/, ''), ...(children ? { children } : {}), column: key, from: short(text) };
    }
    const whole = wholeOrPage(text);
    if (whole) return { kind: 'page', from: short(whole) };
  }
  return undefined;
}
