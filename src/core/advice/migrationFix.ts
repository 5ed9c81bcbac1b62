/**
 * What the editor needs of "Add migration" before it writes one: the commands, the fix as the project's tool says it,
 * the tool's name, and which files can change the tool detected (the workspace's change filter). The detection and the
 * writers (core/advice/migrations) are the analysis engine's, reached through loadEngine when a migration is offered or
 * written; these few stay in the editor bundle.
 */
import type { Fix } from '../findings';

export type MigrationTool = 'prisma' | 'rails' | 'django' | 'alembic' | 'knex' | 'node-pg-migrate' | 'db-migrate' | 'sequelize' | 'typeorm' | 'mikro-orm' | 'flyway' | 'sql' | 'unknown';

/** The command of "Add migration" (a migration file in the project's tool). */
export const ADD_MIGRATION_COMMAND = 'pgLens.addIndexMigration';
/** The command of "Save CREATE INDEX as .sql…" (no migration tool known: a .sql file where the user chooses). */
export const SAVE_INDEX_SQL_COMMAND = 'pgLens.saveCreateIndexSql';

/**
 * The migration action as the menu says it for a project (person28 L6: "Add migration" was offered where no migration
 * tool is recognised, and only then said "no migration file written"): with a tool, "Add migration"; without one, what
 * it does instead, "Save CREATE INDEX as .sql…".
 */
export function migrationAction(tool: MigrationTool, note?: string): { title: string; command: string } {
  return tool === 'unknown' ? { title: `Save CREATE INDEX as .sql…${note ? ` (${note})` : ''}`, command: SAVE_INDEX_SQL_COMMAND } : { title: 'Add migration', command: ADD_MIGRATION_COMMAND };
}

/** A finding's "Add migration: …" fix as migrationAction says it for the project's tool; every other fix as it is. */
export function migrationFixFor(fix: Fix, tool: MigrationTool, note?: string): Fix {
  if (fix.command?.id !== ADD_MIGRATION_COMMAND) return fix;
  const action = migrationAction(tool, note);
  return { ...fix, title: fix.title.replace(/^Add migration/, action.title), command: { ...fix.command, id: action.command } };
}

/** The names of the files that configure a TypeORM DataSource / ormconfig or MikroORM: one of the project's fact files. */
export const ORM_CONFIG_NAMES = String.raw`ormconfig\.(json|js|ts|cjs|mjs)|[\w.-]*(?:data-?source|typeorm|mikro-?orm)[\w.-]*\.(ts|js|cjs|mjs)|(?:config|database|app\.module)\.(ts|js)`;

/**
 * The files whose TEXT the detection reads (the editor reads those of `files` that match, a few dozen at most): Python's
 * dependency files, manage.py, alembic.ini; sequelize-cli's .sequelizerc and the package.json files of a workspace's
 * packages (conduit: sequelize-cli is a dependency of backend/package.json, not of the root's).
 */
export const PROJECT_FACT_FILES = new RegExp(String.raw`(^|\/)(requirements[^/]*\.(txt|in)|pyproject\.toml|Pipfile|setup\.py|setup\.cfg|manage\.py|alembic\.ini|env\.py|\.sequelizerc|package\.json|go\.mod|pom\.xml|build\.gradle(?:\.kts)?|${ORM_CONFIG_NAMES})$`, 'i');

/**
 * The files whose NAME detectMigrationTool and migrationOffer look for (one pattern per tool, in the detection's order):
 * one of them appearing or going may change the tool; any other file cannot. They follow the detection (migrations.ts):
 * a new pattern there belongs here too (test/unit/core/workspaceChanges.test.ts removes every other file of real
 * layouts and checks the answer stays).
 */
const MIGRATION_NAME_MARKERS: readonly RegExp[] = [
  /(^|\/)schema\.prisma$/,
  /(^|\/)db\/migrate\/\d{14}_[^/]+\.rb$/, /(^|\/)Gemfile$/, /(^|\/)config\/application\.rb$/,
  // Django's migrations packages and numbered files; Alembic's script folder (env.py beside any file under versions/).
  /(^|\/)migrations\/(__init__|\d{4}_[^/]+)\.py$/, /(^|\/)versions\//,
  // sequelize-cli and db-migrate, node-pg-migrate, TypeORM, MikroORM, knex.
  /(^|\/)\d{14}-[^/]+\.(js|cjs|mjs|ts)$/, /(^|\/)migrations\/\d{13}_[^/]+\.(js|ts|cjs|mjs)$/, /(^|\/)\d{13}-[A-Za-z]\w*\.(ts|js)$/,
  /(^|\/)Migration\d{14}\.(ts|js)$/, /(^|\/)migrations\/\d{14}_[^/]+\.(js|ts|cjs|mjs)$/, /(^|\/)knexfile\.ts$/,
  // Flyway; a plain SQL migrations folder (SQL_DIRS, or any migrations/ folder holding .sql).
  /(^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/, /(^|\/)(migrations|migrate)\/[^/]+\.sql$/,
  // TypeORM with no migration yet: src/migrations where the package has a src folder (a folder created or removed).
  /(^|\/)src$/,
];

/**
 * Can a file (workspace-relative path) change the migration tool detected (detectMigrationTool, then migrationOffer)?
 * 'text': its text is read (PROJECT_FACT_FILES, an Alembic revision: its down_revision makes the heads), so a change to
 * it counts too; 'name': only its appearing or going counts; undefined: it cannot change the answer.
 */
export function migrationMarker(rel: string): 'text' | 'name' | undefined {
  const f = rel.replace(/\\/g, '/');
  if (PROJECT_FACT_FILES.test(f) || /(^|\/)versions\/[^/]+\.py$/.test(f)) return 'text';
  return MIGRATION_NAME_MARKERS.some((re) => re.test(f)) ? 'name' : undefined;
}
