import { oneGrammar } from '../language';

export const goLanguage = oneGrammar('go', ['.go'], '//');
