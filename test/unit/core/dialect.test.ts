import { strict as assert } from 'node:assert';
import { describeOtherDialect, dialectOfFile, dialectOfImports, projectDialect } from '../../../src/core/dialect';
import { analyzeFile, rulesAnalyzer } from '../../../src/core/scan';
import { ormOffsetAnalyzer } from '../../../src/core/rules/ormOffset';

describe('dialect from project configuration and driver imports', () => {
  it('reads each kind of configuration', () => {
    const one = (path: string, text: string) => projectDialect([{ path, text }]);
    assert.deepEqual(one('config/database.yml', 'default: &default\n  adapter: mysql2\n'), { dialect: 'other', name: 'MySQL', evidence: 'config/database.yml: adapter: mysql2' });
    assert.equal(one('Gemfile', 'gem "rails"\ngem "sqlite3", force_ruby_platform: true\n')?.name, 'SQLite');
    assert.equal(one('prisma/schema.prisma', 'generator c { provider = "prisma-client-js" }\ndatasource db {\n  provider = "mysql"\n  url = env("X")\n}')?.name, 'MySQL');
    assert.equal(one('prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}')?.dialect, 'postgresql');
    assert.equal(one('app/settings.py', "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}")?.name, 'SQLite');
    assert.equal(one('go.mod', 'require (\n\tgithub.com/go-sql-driver/mysql v1.7.0\n)')?.name, 'MySQL');
    assert.equal(one('src/main/resources/application.properties', 'spring.datasource.url=jdbc:sqlite:dev.db')?.name, 'SQLite');
    assert.equal(one('pom.xml', '<artifactId>mysql-connector-java</artifactId>')?.name, 'MySQL');
    assert.equal(one('package.json', '{"dependencies": {"mysql2": "3.0.0"}}')?.name, 'MySQL');
    assert.equal(one('requirements.txt', 'Django==5.0\npsycopg[binary]==3.1\n')?.dialect, 'postgresql');
    assert.equal(one('README.md', 'mysql'), undefined);
  });

  it('a project naming PostgreSQL anywhere is analysed; none named: unknown', () => {
    assert.equal(projectDialect([{ path: 'go.mod', text: 'github.com/lib/pq v1\ngithub.com/go-sql-driver/mysql v1\nmodernc.org/sqlite v1' }])?.dialect, 'postgresql');
    assert.equal(projectDialect([{ path: 'build.gradle', text: "runtimeOnly 'com.h2database:h2'\nruntimeOnly 'org.postgresql:postgresql'" }])?.dialect, 'postgresql');
    assert.equal(projectDialect([]), undefined);
  });

  it('Quarkus names its database by JDBC extension and db-kind (rules-v: Apicurio Registry, read as MySQL from a test module)', () => {
    const configs = [
      { path: 'app/pom.xml', text: '<dependency><groupId>io.quarkus</groupId><artifactId>quarkus-jdbc-postgresql</artifactId></dependency>' },
      { path: 'integration-tests/pom.xml', text: '<artifactId>mysql-connector-j</artifactId>' },
    ];
    assert.deepEqual(projectDialect(configs), { dialect: 'postgresql', evidence: 'app/pom.xml: quarkus-jdbc-postgresql' });
    assert.equal(projectDialect([{ path: 'app/src/main/resources/application.properties', text: 'quarkus.datasource.db-kind=postgresql\n' }])?.dialect, 'postgresql');
    assert.equal(projectDialect([{ path: 'pom.xml', text: '<artifactId>quarkus-jdbc-mysql</artifactId>' }])?.name, 'MySQL');
    assert.equal(projectDialect([{ path: 'build.gradle', text: "implementation 'io.vertx:vertx-pg-client:4.5.0'" }])?.dialect, 'postgresql');
  });

  it('a file importing only another database driver is that database; path and project come in order', () => {
    assert.equal(dialectOfImports('import sqlite3\nconn = sqlite3.connect("x.db")')?.name, 'SQLite');
    assert.equal(dialectOfImports('import sqlite3\nimport psycopg2'), undefined);
    assert.equal(dialectOfImports('import ( "database/sql"\n _ "github.com/go-sql-driver/mysql" )')?.name, 'MySQL');
    assert.equal(dialectOfFile('store/db/mysql/memo.go', '').name, 'MySQL');
    assert.equal(dialectOfFile('app/models/x.rb', '', { dialect: 'other', name: 'SQLite', evidence: 'Gemfile' }).name, 'SQLite');
    assert.equal(dialectOfFile('app/models/x.rb', '').dialect, 'postgresql');
  });

  it('the rules give one hint and no PostgreSQL advice on another dialect; the same code on PostgreSQL gets it', async () => {
    const text = 'def archive_users(conn):\n    return conn.execute("INSERT INTO users_archive SELECT * FROM users")\n\ndef page(q, n):\n    return User.objects.all()[n:n + 20]\n';
    const mysql = { dialect: 'other' as const, name: 'MySQL', evidence: 'config/database.yml: adapter: mysql2' };
    const other = await analyzeFile({ path: 'app/users.py', text }, { analyzers: [rulesAnalyzer({ project: mysql }), ormOffsetAnalyzer({ project: mysql })] });
    assert.deepEqual(other.findings.map((f) => [f.ruleId, f.severity]), [['other-dialect', 'hint']]);
    assert.match(other.findings[0].message, /MySQL \(config\/database\.yml: adapter: mysql2\)/);
    const pg = await analyzeFile({ path: 'app/users.py', text }, { analyzers: [rulesAnalyzer(), ormOffsetAnalyzer()] });
    assert.ok(pg.findings.some((f) => f.ruleId === 'select-star'));
    assert.ok(pg.findings.some((f) => f.ruleId === 'offset-pagination'));
  });

  it('the summary says how many files were left out and for which database', () => {
    const h = (file: string) => ({ ruleId: 'other-dialect', file, evidence: { dialect: 'SQLite', from: 'build.gradle: sqlite-jdbc' } });
    assert.equal(describeOtherDialect([h('a.xml'), h('b.xml'), h('b.xml'), { ruleId: 'select-star', file: 'c.ts' }]), 'not analysed for PostgreSQL: 2 files whose SQL targets SQLite (build.gradle: sqlite-jdbc): 2');
    assert.equal(describeOtherDialect([{ ruleId: 'select-star' }]), undefined);
  });
});
