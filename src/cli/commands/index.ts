/** The CLI's commands. Each lives in its own file; add new ones here. */
import type { CliCommand } from '../io';
import { checkConnection } from './checkConnection';
import { scan } from './scan';

export const COMMANDS: CliCommand[] = [checkConnection, scan];
