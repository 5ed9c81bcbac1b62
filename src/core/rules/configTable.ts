/**
 * Tables whose name says they hold definitions or configuration (`custom_field_definitions`, `ticket_levels`, `roles`,
 * `gift_options`, `user_settings`): rows an administrator writes by hand, a handful per owner, not rows that accumulate
 * with use. Paging such a list by OFFSET skips almost nothing. The name is the only evidence without a database, so a
 * finding that rests on it says so and stays visible (info), rather than disappearing.
 *
 * Measured on the labelled real-world corpus (issue 14, session 23, offset23): only words that name a configuration
 * kind in every labelled app are here. `templates`, `tags`, `campaigns`, `products`, `schedules` and `queues` are not:
 * the corpus has growing tables of each of those names.
 */

/** The configuration word a table or association name ends with (singular), or undefined. */
export function configurationKind(name: string | undefined): string | undefined {
  if (!name) return undefined;
  // Last word of snake_case, camelCase or PascalCase, schema and quotes dropped: `public."CustomFieldDefinition"` → definition.
  const bare = name.replace(/["`[\]]/g, '').replace(/^.*\./, '');
  const words = bare.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[_\s-]+/).filter(Boolean);
  const last = words[words.length - 1];
  if (!last) return undefined;
  const singular = last.replace(/ies$/, 'y').replace(/(?<=[^s])s$/, '');
  return CONFIG_WORDS.has(singular) ? singular : undefined;
}

const CONFIG_WORDS = new Set(['definition', 'option', 'level', 'role', 'setting', 'config', 'configuration', 'preference']);

/** Calls in a Ruby/JS/Python query chain that refine the rows but name no table. */
const REFINERS = new Set([
  'order', 'reorder', 'where', 'not', 'or', 'includes', 'preload', 'eager_load', 'joins', 'left_joins', 'left_outer_joins',
  'references', 'select', 'distinct', 'limit', 'per', 'page', 'paginate', 'offset', 'all', 'unscoped', 'readonly',
  'order_by', 'filter', 'exclude', 'prefetch_related', 'select_related', 'orderBy', 'skip', 'take', 'active', 'visible',
  'kept', 'with_deleted', 'group', 'having', 'find', 'findMany', 'findAll', 'findAndCountAll', 'query', 'objects',
]);

/**
 * The table or association a method chain ending just before `at` pages: `current_campaign.campaign_gift_options.order('id DESC').page(…)`
 * → campaign_gift_options; `prisma.roleDefinition.findMany({ skip })` → roleDefinition; `Role.where(…).offset(x)` → Role.
 * Walks back over `.name(args)` links (arguments balanced, line breaks allowed) and returns the last link that is not a
 * refining call; undefined when the chain names none.
 */
export function chainRelation(text: string, at: number): string | undefined {
  let i = at;
  // Back to the dot (or `::`) that introduces the call at `at`.
  while (i > 0 && /[\w$]/.test(text[i - 1])) i--;
  const links: string[] = [];
  for (let steps = 0; steps < 20; steps++) {
    let j = i;
    while (j > 0 && /\s/.test(text[j - 1])) j--;
    if (text[j - 1] !== '.' && text.slice(j - 2, j) !== '::') break;
    j -= text[j - 1] === '.' ? 1 : 2;
    while (j > 0 && /\s/.test(text[j - 1])) j--;
    // Skip one balanced argument list `(…)` (or an index `[…]`).
    if (text[j - 1] === ')' || text[j - 1] === ']') {
      let depth = 0;
      let k = j - 1;
      for (; k >= 0 && j - k < 2000; k--) {
        if (text[k] === ')' || text[k] === ']') depth++;
        else if (text[k] === '(' || text[k] === '[') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (k < 0 || depth !== 0) break;
      j = k;
    }
    const m = /[A-Za-z_$][\w$]*[?!]?$/.exec(text.slice(Math.max(0, j - 80), j));
    if (!m) break;
    links.push(m[0]);
    i = j - m[0].length;
  }
  return links.find((l) => !REFINERS.has(l) && !/^(self|this|@?current_user|params)$/.test(l));
}

/** Why a page of configuration rows is only a note: its name, and when it would matter. */
export function configurationNote(kind: string): string {
  return `its name says ${kind} rows (written by hand, a handful per owner), so the OFFSET skips few rows; a problem only if this table grows with use (then deep pages read and discard every skipped row).`;
}

/**
 * The table a page at `at` reads: the query chain that ends at `at` (`….roles.page(…)`), or, when `at` is inside the
 * options of a find call (`prisma.roleDefinition.findMany({ …, skip })`, `Role.findAll({ offset })`), the chain of that call.
 */
export function pagedRelation(text: string, at: number): string | undefined {
  const own = chainRelation(text, at);
  if (own) return own;
  const head = text.slice(Math.max(0, at - 4000), at);
  const calls = [...head.matchAll(/\.\s*(find\w*|findAndCount\w*|getMany\w*)\s*\(\s*\{/g)];
  const last = calls[calls.length - 1];
  if (!last) return undefined;
  const callAt = Math.max(0, at - 4000) + last.index! + last[0].indexOf(last[1]);
  return chainRelation(text, callAt);
}
