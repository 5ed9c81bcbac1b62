import { oneGrammar } from '../language';

export const goLanguage = {
  ...oneGrammar('go', ['.go'], '//'),
  databaseModules: ['database/sql', 'gorm.io/gorm', 'github.com/jinzhu/gorm', 'entgo.io/ent', 'github.com/jackc/pgx', 'github.com/jmoiron/sqlx', 'github.com/lib/pq', 'github.com/gobuffalo/pop', 'xorm.io/xorm', 'github.com/uptrace/bun', 'github.com/go-pg/pg'],
};
