/**
 * Issue 14 (n14e): a call on an object the code types by an interface (or abstract class) reaches the workspace's class
 * that `implements` (or extends) it — medusa: `container.resolve<IInventoryService>(Modules.INVENTORY)` names an interface
 * of the monorepo's own types package (imported by its package name, `@acme/framework/types`), implemented by
 * `InventoryModuleService` in inventory-module.ts (no file of the interface's name); When several classes implement the interface and each reaches the database, the finding names
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
  it('container.resolve<IFace>, a declared interface and one of the classes implementing it', async () => {
    await expectNPlusOneInScan([types, inventory, ...notifiers, step], [
      'packages/core/core-flows/src/cart/steps/confirm-inventory.ts:6',
      'packages/core/core-flows/src/cart/steps/confirm-inventory.ts:9',
    ]);
  });
});
