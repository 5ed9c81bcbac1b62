/**
 * Issue 14 (n14d): a service a DI container hands out is the app's class when the code names its type — the
 * factory's type argument (`container.resolve<ExperimentDataSource>(Tokens.X)`, tsyringe), a declared type
 * (`const ds: ExperimentDataSource = container.resolve(…)`). Its methods are the app's, so a query method of that
 * class called per item is an N+1; `container` being imported from a package does not make them a library's.
 */
import { expectNPlusOneInScan } from '../../support/nplusoneFixtures';

const database = {
  path: 'src/datasources/postgres/database.ts',
  text: [
    "import Knex from 'knex';",
    '',
    "const db = Knex({ client: 'postgresql', connection: process.env.DATABASE_URL });",
    'export default db;',
    '',
  ],
};

const iface = {
  path: 'src/datasources/ExperimentDataSource.ts',
  text: [
    'export interface ExperimentDataSource {',
    '  getExperiment(pk: number): Promise<{ pk: number; proposalPk: number } | null>;',
    '  getSafety(pk: number): Promise<{ statusId: number } | null>;',
    '}',
    '',
  ],
};

const impl = {
  path: 'src/datasources/postgres/ExperimentDataSource.ts',
  text: [
    "import { injectable } from 'tsyringe';",
    "import { ExperimentDataSource } from '../ExperimentDataSource';",
    "import database from './database';",
    '',
    '@injectable()',
    'export default class PostgresExperimentDataSource implements ExperimentDataSource {',
    '  async getExperiment(pk: number) {',
    "    return database('experiments').select('*').where({ experiment_pk: pk }).first();",
    '  }',
    '',
    '  async getSafety(pk: number) {',
    "    return database('experiment_safety').select('*').where({ experiment_pk: pk }).first();",
    '  }',
    '}',
    '',
  ],
};

const engine = {
  path: 'src/workflowEngine/experiment.ts',
  text: [
    "import { container } from 'tsyringe';",
    '',
    "import { Tokens } from '../config/Tokens';",
    "import { ExperimentDataSource } from '../datasources/ExperimentDataSource';",
    '',
    'export const workflowEngine = async (args: { experimentPk: number }[]) => {',
    '  const experimentDataSource = container.resolve<ExperimentDataSource>(',
    '    Tokens.ExperimentDataSource',
    '  );',
    '  return Promise.all(',
    '    args.map(async (event) => {',
    '      const experiment = await experimentDataSource.getExperiment(event.experimentPk);',
    '      return experiment?.proposalPk;',
    '    })',
    '  );',
    '};',
    '',
    'export const declared = async (pks: number[]) => {',
    '  const dataSource: ExperimentDataSource = container.resolve(Tokens.ExperimentDataSource);',
    '  for (const pk of pks) await dataSource.getExperiment(pk);',
    '};',
    '',
  ],
};

// Wrappers that reach the data source through the container (user-office-core's factory/pdf/shipmentLabel.ts): with
// `container` (imported from tsyringe) taken for the object's origin they did not query, so neither the loops over them
// nor the other calls of the same method name (`getExperiment` has two definitions now) were reported.
const label = {
  path: 'src/factory/pdf/shipmentLabel.ts',
  text: [
    "import { container } from 'tsyringe';",
    '',
    "import { Tokens } from '../../config/Tokens';",
    "import { ExperimentDataSource } from '../../datasources/ExperimentDataSource';",
    '',
    'const getExperiment = async (experimentPk: number) => {',
    '  const dataSource = container.resolve<ExperimentDataSource>(',
    '    Tokens.ExperimentDataSource',
    '  );',
    '  const experiment = await dataSource.getExperiment(experimentPk);',
    "  if (!experiment) throw new Error('no experiment');",
    '  return experiment;',
    '};',
    '',
    'const getSafety = async (experimentPk: number) => {',
    '  const dataSource: ExperimentDataSource = container.resolve(Tokens.ExperimentDataSource);',
    '  return dataSource.getSafety(experimentPk);',
    '};',
    '',
    'export async function labels(pks: number[]) {',
    '  const out = [];',
    '  for (const pk of pks) out.push(await getExperiment(pk));',
    '  for (const pk of pks) out.push(await getSafety(pk));',
    '  return out;',
    '}',
    '',
  ],
};

describe('N+1: services a DI container hands out are the app’s classes when the code names the type (n14d)', () => {
  it('container.resolve<T>(…) and a declared T reach T’s query method per item (also through a same-named wrapper)', async () => {
    await expectNPlusOneInScan([database, iface, impl, engine, label], ['src/factory/pdf/shipmentLabel.ts:22', 'src/factory/pdf/shipmentLabel.ts:23', 'src/workflowEngine/experiment.ts:12', 'src/workflowEngine/experiment.ts:20']);
  });
});
