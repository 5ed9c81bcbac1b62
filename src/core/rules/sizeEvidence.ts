/**
 * Evidence of a table's size, for the rules whose cost is "reads every row" and is therefore a problem only on a large
 * table: offset-pagination (the rows skipped), leading-wildcard-like and or-across-columns (the rows scanned). Only a
 * connected database shows the size; nothing in the code does (issue 14, sessions 23–25: names, foreign keys, a WHERE
 * on one parent and the sort order all failed to tell small tables from growing ones). So the verdict has three values:
 * `small` (the catalog says under the rule's threshold: no warning), `large` (at or above it: a warning that quotes the
 * size), and `unproved` (no database, or a table it does not know: a note that says so).
 */
import type { TableFacts } from '../catalogFacts';

type SizeVerdict = { size: 'small'; largest: TableFacts; rows: number } | { size: 'large'; largest: TableFacts; rows: number } | { size: 'unproved' };

/** The verdict for the tables a statement reads, by the largest of them; unproved unless every one has a row count. */
export function tableSize(tables: readonly (TableFacts | undefined)[], smallBelow: number): SizeVerdict {
  if (tables.length === 0 || !tables.every((t) => t?.rows !== undefined)) return { size: 'unproved' };
  const largest = (tables as TableFacts[]).reduce((a, b) => (b.rows! > a.rows! ? b : a));
  return { size: largest.rows! < smallBelow ? 'small' : 'large', largest, rows: largest.rows! };
}

/** The words of a note whose finding waits on the table's size: `How long the list gets is unproved here (…): <harm>; connect …`. */
export function unprovedSize(subject: string, harm: string): string {
  return `${subject} is unproved here (no table size without a database): ${harm}; connect a database for the table's size`;
}
