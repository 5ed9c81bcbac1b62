import type { LanguageSpec } from '../language';

export const javaLanguage = {
  name: 'java',
  grammars: { java: 'tree-sitter-java.wasm' },
  editorIds: { java: 'java' },
  extensions: { '.java': 'java' },
  lineComment: '//',
  databaseModules: ['jakarta.persistence', 'javax.persistence', 'org.springframework.data', 'org.springframework.jdbc', 'org.hibernate', 'java.sql', 'org.jooq', 'org.apache.ibatis', 'org.mybatis'],
  // MyBatis XML mappers (languages/java/mybatis.ts): `<select|insert|update|delete>` statements.
  mappers: { '.xml': 'mybatis' },
  mapperEditorIds: ['xml'],
} as const satisfies LanguageSpec<'java'>;
