/**
 * `npm run bench`: runs every bench/*.bench.ts and prints one JSON object of figures.
 * Each bench file exports `run(): Promise<Record<string, unknown>>`. Speed targets live here,
 * as figures, not in timed unit tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { budgetLine, checkBudgets } from './budgets';
import { errorMessage } from '../src/core/safeText';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).sort();
  const out: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, date: new Date().toISOString() };
  for (const f of files) {
    const name = f.replace(/\.bench\.ts$/, '');
    if (only.length && !only.includes(name)) continue;
    const mod = await import(path.join(__dirname, f));
    const t = Date.now();
    try {
      out[name] = await mod.run();
    } catch (e) {
      out[name] = { error: errorMessage(e) };
      process.exitCode = 1;
    }
    process.stderr.write(`bench ${name}: ${Date.now() - t} ms\n`);
  }
  // Each budgeted figure beside its budget, and one line naming the budgets missed (bench/budgets.ts).
  const budgets = checkBudgets(out);
  out.budgets = budgets.map((b) => ({ figure: b.figure, value: b.value, budget: b.max, unit: b.unit, ok: b.ok }));
  out.budgetsMissed = budgets.filter((b) => b.ok === false).map((b) => b.figure);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.stderr.write(`${budgetLine(budgets)}\n`);
}

void main();
