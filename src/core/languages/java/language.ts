import { oneGrammar } from '../language';

export const javaLanguage = oneGrammar('java', ['.java'], '//');
