/** The CLI's commands. Each lives in its own file; add new ones here. */
import type { CliCommand } from '../io';
import { checkConnection } from './checkConnection';
import { sqlCommand } from './sql';
import { nPlusOne } from './nPlusOne';

export const COMMANDS: CliCommand[] = [checkConnection, sqlCommand, nPlusOne];
