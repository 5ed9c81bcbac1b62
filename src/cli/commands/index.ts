/** The CLI's commands. Each lives in its own file; add new ones here. */
import type { CliCommand } from '../io';
import { checkConnection } from './checkConnection';
import { sqlCommand } from './sql';

export const COMMANDS: CliCommand[] = [checkConnection, sqlCommand];
