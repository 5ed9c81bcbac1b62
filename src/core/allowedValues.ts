/**
 * The values a column may hold, when its definition lists them (person50 L-D b: `WHERE status = 'refundd'` against
 * `CHECK (status IN ('paid','shipped','delivered','refunded'))` returned nothing, silently): an enum type's labels
 * (pg_enum), or a CHECK constraint on that column alone — of the table, or of the column's domain — that is a plain list,
 * as pg_get_constraintdef prints it: `CHECK ((status = ANY (ARRAY['paid'::text, …])))` (PostgreSQL stores `IN (…)` so),
 * `CHECK (((status)::text = ANY ((ARRAY['paid'::character varying, …])::text[])))` for varchar, `CHECK ((status =
 * 'paid'::text))` for one value, `VALUE` for a domain's. Any other shape (a range, AND/OR, a function) lists nothing.
 */

export interface AllowedValues {
  values: string[];
  /** Where the list comes from: `check` — a CHECK constraint (the table's or its domain's), `enum` — the column's enum type. */
  kind: 'check' | 'enum';
  /** The constraint's name (a CHECK), or the enum type's name. */
  source: string;
  /** A CHECK's definition as PostgreSQL prints it (pg_get_constraintdef). */
  definition?: string;
  /** The domain whose CHECK it is (the column's type), as PostgreSQL prints the type; absent for the table's own CHECK. */
  domain?: string;
}

/** A constraint as the catalog read gives it: its name and pg_get_constraintdef. */
export interface CheckDefinition {
  name: string;
  def: string;
  /** A domain's constraint: the domain's name (format_type); its subject is `VALUE`, not the column. */
  domain?: string | null;
}

/** A cast as pg_get_constraintdef prints it: `::text`, `::character varying`, `::text[]`, `::"MyType"`, `::public.status`. */
const CAST = /::\s*(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*))?(?:\s+varying)?(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s*\[\s*\])?/gi;

/** The column as the constraint writes it: bare lower-case, else double-quoted. */
function quoted(column: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(column) ? column : `"${column.replace(/"/g, '""')}"`;
}

/**
 * The values a CHECK definition allows `subject` (a column, or VALUE for a domain) when it is a plain list on it alone;
 * undefined for any other shape.
 */
export function checkListValues(def: string, subject: string): string[] | undefined {
  const m = /^\s*CHECK\s*\(([\s\S]*)\)\s*(?:NOT VALID\s*)?$/i.exec(def);
  if (!m) return undefined;
  // String literals out first (a cast or a parenthesis inside one is text), as §n§.
  const literals: string[] = [];
  let body = '';
  const src = m[1];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "'") {
      let v = '';
      let j = i + 1;
      for (; j < src.length; j++) {
        if (src[j] === "'" && src[j + 1] === "'") {
          v += "'";
          j++;
        } else if (src[j] === "'") break;
        else v += src[j];
      }
      if (j >= src.length) return undefined;
      // E'…' strings and the like are not plain lists.
      if (/[a-z]$/i.test(body)) return undefined;
      body += `§${literals.length}§`;
      literals.push(v);
      i = j;
    } else body += c;
  }
  const shape = body.replace(CAST, '').replace(/[()\s]/g, '');
  const col = (subject === 'VALUE' ? subject : quoted(subject)).replace(/\s/g, '');
  const any = new RegExp(`^${escape(col)}=ANYARRAY\\[((?:§\\d+§,)*§\\d+§)\\]$`).exec(shape);
  const one = new RegExp(`^${escape(col)}=(§\\d+§)$`).exec(shape);
  const list = any?.[1] ?? one?.[1];
  if (!list) return undefined;
  return list.split(',').map((x) => literals[Number(x.slice(1, -1))]);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What the column allows from its catalog facts: its enum type's labels, else the first CHECK that is a plain list on it
 * (the table's, on that one column; or its domain's, on VALUE); undefined when nothing lists its values.
 */
export function allowedValuesOf(column: string, enumType: { name: string; labels: string[] } | undefined, checks: readonly CheckDefinition[]): AllowedValues | undefined {
  if (enumType?.labels.length) return { values: enumType.labels, kind: 'enum', source: enumType.name };
  for (const c of checks) {
    const values = checkListValues(c.def, c.domain ? 'VALUE' : column);
    if (values?.length) return { values, kind: 'check', source: c.name, definition: c.def, ...(c.domain ? { domain: c.domain } : {}) };
  }
  return undefined;
}
