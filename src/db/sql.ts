/**
 * Every SQL text PG Lens sends of its own, as named constants with $n parameters.
 * Each starts with the marker comment so our statements can be left out of pg_stat_statements
 * views (see OWN_STATEMENT_MARKER).
 */
export const OWN_STATEMENT_MARKER = '/* pg-lens */';

export const SQL = {
  ping: `${OWN_STATEMENT_MARKER} SELECT 1`,
  begin: 'BEGIN',
  beginReadOnly: 'BEGIN READ ONLY',
  rollback: 'ROLLBACK',
  serverInfo: `${OWN_STATEMENT_MARKER} SELECT current_setting('server_version_num') AS server_version_num, version() AS version,
    current_database() AS database, current_user AS "user", current_setting('is_superuser') AS is_superuser,
    pg_is_in_recovery() AS in_recovery`,
  extensions: `${OWN_STATEMENT_MARKER} SELECT a.name, e.extversion AS installed
    FROM pg_available_extensions a LEFT JOIN pg_extension e ON e.extname = a.name
    WHERE a.name = ANY (ARRAY['pg_stat_statements', 'hypopg', 'pg_trgm'])`,
  pgStatStatementsProbe: `${OWN_STATEMENT_MARKER} SELECT 1 FROM pg_stat_statements(false) LIMIT 1`,
  settings: `${OWN_STATEMENT_MARKER} SELECT name, setting, unit FROM pg_settings
    WHERE name = ANY (ARRAY['shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'random_page_cost',
      'max_connections', 'shared_preload_libraries', 'statement_timeout', 'lock_timeout', 'default_transaction_read_only',
      'compute_query_id', 'track_io_timing', 'plan_cache_mode', 'server_encoding', 'ssl'])`,
} as const;
