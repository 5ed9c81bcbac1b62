import { oneGrammar } from '../language';

export const pythonLanguage = oneGrammar('python', ['.py'], '#');
