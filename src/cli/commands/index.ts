/** The CLI's commands. Each lives in its own file; add new ones here. */
import type { CliCommand } from '../io';
import { checkConnection } from './checkConnection';
import { benchmarkCommand, explainCommand } from './explain';

export const COMMANDS: CliCommand[] = [checkConnection, explainCommand, benchmarkCommand];
