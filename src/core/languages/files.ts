/**
 * SQL kept in files of their own that the application loads at run time, registered like the
 * languages: which files they are and how their statements become SqlSites.
 *  - `.sql` files of named queries (aiosql, yesql, goyesql, HugSQL, PugSQL): languages/sql/extract.ts,
 *    used by the .sql path of extract/index.ts (a .sql file without name headers is a script);
 *  - MyBatis XML mappers: languages/java/mybatis.ts.
 */
import type { SqlSite } from '../extract/types';
import { myBatisSites } from './java/mybatis';

export interface MapperFormat {
  id: 'mybatis';
  /** The library, as findings and summaries name it. */
  library: string;
  /** File extensions (lower case, with the dot) that may hold this format. */
  extensions: readonly string[];
  sites(text: string, file?: string): SqlSite[];
}

export const MAPPER_FORMATS: readonly MapperFormat[] = [{ id: 'mybatis', library: 'MyBatis', extensions: ['.xml'], sites: myBatisSites }];

/** The mapper format a path may hold, by extension. */
export function mapperFormatOf(path: string): MapperFormat | undefined {
  const ext = /(\.[A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext ? MAPPER_FORMATS.find((f) => f.extensions.includes(ext)) : undefined;
}

/** Extensions of every mapper format (for the file walker). */
export const MAPPER_EXTENSIONS: readonly string[] = [...new Set(MAPPER_FORMATS.flatMap((f) => f.extensions))];
