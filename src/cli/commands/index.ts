/** The CLI's commands. Each lives in its own file; add new ones here. */
import type { CliCommand } from '../io';
import { checkConnection } from './checkConnection';
import { report } from './report';
import { scan } from './scan';
import { sqlCommand } from './sql';
import { nPlusOne } from './nPlusOne';
import { advise } from './advise';
import { health } from './health';
import { benchmarkCommand, explainCommand } from './explain';
import { recordCommand } from './record';

export const COMMANDS: CliCommand[] = [checkConnection, sqlCommand, nPlusOne, advise, health, scan, explainCommand, benchmarkCommand, report, recordCommand];
