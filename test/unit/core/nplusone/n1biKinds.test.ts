/**
 * Handfuls (issue 14, n1bi): a schema-first GraphQL server in JavaScript (SDL in gql`…` typeDefs, a resolver map) whose
 * own client lives in the same repository. A field resolver runs once per parent object only when a query of the client
 * selects it on objects that came from a list; a field only one object's page asks (one campaign's texters) runs once
 * per request. One small synthetic fixture.
 */
import { strict as assert } from 'node:assert';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';
import { scanLines, scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const lines = (src: string[]) => src.join('\n') + '\n';

describe('n-plus-one: kinds of n1bi (schema-first GraphQL resolvers judged by the client documents of the same repository)', () => {
  useTreeSitterFromNodeModules();

  const schema: ScanFile = {
    path: 'src/api/schema.js',
    text: lines([
      "import gql from 'graphql-tag';",
      '',
      'export const typeDefs = gql`',
      '  """A campaign of texts"""',
      '  type Campaign {',
      '    id: ID',
      '    title: String',
      '    contactsCount: Int',
      '    texters(role: String = "TEXTER"): [User] @deprecated(reason: "use assignments")',
      '  }',
      '',
      '  type User {',
      '    id: ID',
      '    name: String',
      '  }',
      '',
      '  union CampaignsReturn = CampaignPage | CampaignList',
      '  type CampaignPage { campaigns: [Campaign] total: Int }',
      '  type CampaignList { campaigns: [Campaign] }',
      '',
      '  input CampaignInput { title: String }',
      '  enum Role { TEXTER ADMIN }',
      '',
      '  type RootQuery {',
      '    campaigns(organizationId: String!): CampaignsReturn',
      '    campaign(id: String!): Campaign',
      '    currentUser: User',
      '    people: [User]',
      '    organizationName: String',
      '  }',
      '',
      '  schema {',
      '    query: RootQuery',
      '  }',
      '`;',
      '',
    ]),
  };
  const resolvers: ScanFile = {
    path: 'src/server/api/campaign.js',
    text: lines([
      "import { r } from '../models';",
      '',
      'export const resolvers = {',
      '  Campaign: {',
      '    contactsCount: async (campaign) => r.knex("campaign_contact").where({ campaign_id: campaign.id }).count(),',
      '    texters: async (campaign) => r.knex("user").join("assignment", "assignment.user_id", "user.id").where({ campaign_id: campaign.id }),',
      '  },',
      '};',
      '',
    ]),
  };
  const client: ScanFile = {
    path: 'src/containers/CampaignList.jsx',
    text: lines([
      "import gql from 'graphql-tag';",
      '',
      'const campaignFields = `',
      '  id',
      '  title',
      '  contactsCount',
      '`;',
      '',
      'export const listQuery = gql`',
      '  query CampaignList($organizationId: String!) {',
      '    campaigns(organizationId: $organizationId) {',
      '      ... on CampaignPage { campaigns { ${campaignFields} } total }',
      '      ... on CampaignList { campaigns { ${campaignFields} } }',
      '    }',
      '    currentUser { id name }',
      '    people { id }',
      '    organizationName',
      '  }',
      '`;',
      '',
      'export const editQuery = gql`',
      '  query CampaignEdit($id: String!) {',
      '    campaign(id: $id) {',
      '      id',
      '      texters { id name }',
      '    }',
      '  }',
      '`;',
      '',
    ]),
  };
  const js = 'src/server/api/campaign.js';

  it('a field the list query asks (through an interpolated selection string) stays a warning; a field only one campaign\'s page asks is info, saying why', async () => {
    assert.deepEqual(await scanLines([schema, resolvers, client]), [`${js}:5 warning`, `${js}:6 info`]);
    const texters = (await scanNPlusOne([schema, resolvers, client])).find((f) => f.line === 6)!;
    assert.match(texters.message, /no query of this repository's client asks `Campaign\.texters` on objects from a list/);
  });

  it('without the client documents both resolvers are judged per parent, as before', async () => {
    assert.deepEqual(await scanLines([schema, resolvers]), [`${js}:5 warning`, `${js}:6 warning`]);
  });

  it('an untagged template holding an operation (`export const query = \\`query Q { … }\\``, a page component\'s query) is a document of the client too', async () => {
    const untagged: ScanFile = { path: client.path, text: (client.text as string).replace(/\bgql`/g, '`').replace("import gql from 'graphql-tag';", '') };
    assert.doesNotMatch(untagged.text as string, /gql/);
    assert.deepEqual(await scanLines([schema, resolvers, untagged]), [`${js}:5 warning`, `${js}:6 info`]);
  });

  it('a client asking too few of the schema\'s root fields (its queries live elsewhere) changes nothing', async () => {
    const few: ScanFile = { path: client.path, text: lines(['import gql from \'graphql-tag\';', 'export const q = gql`query One($id: String!) { campaign(id: $id) { id texters { id } } }`;', '']) };
    assert.deepEqual(await scanLines([schema, resolvers, few]), [`${js}:5 warning`, `${js}:6 warning`]);
  });
});
