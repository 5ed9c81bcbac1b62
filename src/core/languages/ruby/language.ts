import { oneGrammar } from '../language';

// Rails views (ERB, jbuilder): read by the N+1 views pass with the controller and the models.
// An ERB view's comment is `<%# %>`.
export const rubyLanguage = {
  ...oneGrammar('ruby', ['.rb', '.rake'], '#'),
  databaseModules: ['active_record', 'activerecord', 'rails', 'pg', 'sequel'],
  templates: { '.erb': 'erb', '.jbuilder': 'jbuilder' },
  templateComments: [{ editorIds: ['erb'], extensions: ['.erb'], open: '<%#', close: '%>' }],
};
