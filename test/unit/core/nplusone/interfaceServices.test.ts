/**
 * Issue 14 (n14e): a call on an object the code types by an interface (or abstract class) reaches the workspace's class
 * that `implements` (or extends) it — medusa: `container.resolve<IInventoryService>(Modules.INVENTORY)` names an interface
 * of the monorepo's own types package (imported by its package name, `@acme/framework/types`), implemented by
 * `InventoryModuleService` in inventory-module.ts (no file of the interface's name); `this.taxRateService_:
 * ModulesSdkTypes.IInternalService<TaxRate>` (a namespace-qualified generic interface, a field with a trailing underscore)
 * is implemented by the generic internal service class a factory function declares. When several classes implement the interface and each reaches the database, the finding names
 * them ("one of …"); a class that does not reach it is not claimed.
 */
import { expectNPlusOneInScan } from '../../support/nplusoneFixtures';

const types = {
  path: 'packages/core/types/src/inventory/service.ts',
  text: [
    'export interface IInventoryService {',
    '  confirmInventory(itemId: string, locationIds: string[], quantity: number): Promise<boolean>;',
    '}',
    '',
    'export interface IInternalService<T> {',
    '  list(filters: object, config?: object): Promise<T[]>;',
    '}',
    '',
    'export interface INotificationService {',
    '  recordDelivery(to: string): Promise<void>;',
    '}',
    '',
  ],
};


const inventory = {
  path: 'packages/modules/inventory/src/services/inventory-module.ts',
  text: [
    "import { IInventoryService } from '@acme/framework/types';",
    "import { Pool } from 'pg';",
    '',
    'const pool = new Pool();',
    'export default class InventoryModuleService extends BaseModule implements IInventoryService {',
    '  async confirmInventory(itemId: string, locationIds: string[], quantity: number) {',
    "    const { rows } = await pool.query('SELECT stocked_quantity, location_id FROM inventory_level WHERE inventory_item_id = $1', [itemId]);",
    '    return rows.filter((r) => locationIds.includes(r.location_id)).some((r) => r.stocked_quantity >= quantity);',
    '  }',
    '}',
    '',
  ],
};


const internal = {
  path: 'packages/core/utils/src/modules-sdk/internal-service.ts',
  text: [
    "import { ModulesSdkTypes } from '@acme/framework/types';",
    "import { Pool } from 'pg';",
    '',
    'const pool = new Pool();',
    'export function InternalService(table: string) {',
    '  class AbstractService_ implements ModulesSdkTypes.IInternalService<any> {',
    '    async list(filters: object, config: object = {}) {',
    "      const { rows } = await pool.query(`SELECT * FROM ${table} WHERE filters @> $1 LIMIT $2`, [filters, Object.keys(config).length]);",
    '      return rows;',
    '    }',
    '  }',
    '  return AbstractService_;',
    '}',
    '',
  ],
};

const tax = {
  path: 'packages/modules/tax/src/services/tax-module-service.ts',
  text: [
    "import { ModulesSdkTypes } from '@acme/framework/types';",
    '',
    'export default class TaxModuleService {',
    '  protected taxRateService_: ModulesSdkTypes.IInternalService<TaxRate>;',
    '',
    '  constructor({ taxRateService }: { taxRateService: ModulesSdkTypes.IInternalService<TaxRate> }) {',
    '    this.taxRateService_ = taxRateService;',
    '  }',
    '',
    '  async getTaxLines(items: { id: string; region: string }[]) {',
    '    return Promise.all(',
    '      items.map(async (item) => {',
    "        const rates = await this.taxRateService_.list({ region: item.region }, { relations: ['rules'] });",
    '        return { item, rates };',
    '      })',
    '    );',
    '  }',
    '}',
    '',
  ],
};

// Two notifiers: one writes a row, one logs (no query). Only the one that reaches the database is claimed.
const notifiers = [
  {
    path: 'packages/modules/notification/src/services/db-notifier.ts',
    text: [
      "import { INotificationService } from '@acme/framework/types';",
      "import { Pool } from 'pg';",
      '',
      'const pool = new Pool();',
      'export class DbNotifier implements INotificationService {',
      '  async recordDelivery(to: string) {',
      "    await pool.query('INSERT INTO notification (recipient) VALUES ($1)', [to]);",
      '  }',
      '}',
      '',
    ],
  },
  {
    path: 'packages/modules/notification/src/services/mail-notifier.ts',
    text: [
      "import { INotificationService } from '@acme/framework/types';",
      '',
      'export class MailNotifier implements INotificationService {',
      '  async recordDelivery(to: string) {',
      '    console.log(to);',
      '  }',
      '}',
      '',
    ],
  },
];

const step = {
  path: 'packages/core/core-flows/src/cart/steps/confirm-inventory.ts',
  text: [
    "import { IInventoryService, INotificationService, Modules } from '@acme/framework/types';",
    '',
    'export const confirmInventoryStep = async (data: { items: { id: string; locations: string[]; qty: number }[] }, { container }) => {',
    '  const inventoryService = container.resolve<IInventoryService>(Modules.INVENTORY);',
    '  const promises = data.items.map(async (item) => {',
    '    return await inventoryService.confirmInventory(item.id, item.locations, item.qty);',
    '  });',
    '  const notifier: INotificationService = container.resolve(Modules.NOTIFICATION);',
    '  for (const item of data.items) await notifier.recordDelivery(item.id);',
    '  return Promise.all(promises);',
    '};',
    '',
  ],
};


describe('N+1: a call on an interface-typed service reaches the workspace class implementing it (n14e)', () => {
  it('container.resolve<IFace>, a declared interface, a namespace-qualified generic interface on a `service_` field', async () => {
    await expectNPlusOneInScan([types, inventory, internal, ...notifiers, step, tax], [
      'packages/core/core-flows/src/cart/steps/confirm-inventory.ts:6',
      'packages/core/core-flows/src/cart/steps/confirm-inventory.ts:9',
      'packages/modules/tax/src/services/tax-module-service.ts:13',
    ]);
  });

  it('Java: an @Autowired interface whose one implementation is not named after it (PostgresAccounts implements AccountStore)', async () => {
    await expectNPlusOneInScan([
      {
        path: 'src/main/java/app/store/AccountStore.java',
        text: ['package app.store;', 'public interface AccountStore {', '  String nameOf(long id);', '}', ''],
      },
      {
        path: 'src/main/java/app/store/PostgresAccounts.java',
        text: [
          'package app.store;',
          'import org.springframework.jdbc.core.JdbcTemplate;',
          'public class PostgresAccounts implements AccountStore {',
          '  private JdbcTemplate jdbc;',
          '  public String nameOf(long id) {',
          '    return jdbc.queryForObject("SELECT name FROM accounts WHERE id = ?", String.class, id);',
          '  }',
          '}',
          '',
        ],
      },
      {
        path: 'src/main/java/app/web/ReportController.java',
        text: [
          'package app.web;',
          'import java.util.List;',
          'import org.springframework.beans.factory.annotation.Autowired;',
          'import app.store.AccountStore;',
          'public class ReportController {',
          '  @Autowired',
          '  private AccountStore accounts;',
          '  public void names(List<Long> ids) {',
          '    for (Long id : ids) {',
          '      accounts.nameOf(id);',
          '    }',
          '  }',
          '}',
          '',
        ],
      },
    ], ['src/main/java/app/web/ReportController.java:10']);
  });
});
