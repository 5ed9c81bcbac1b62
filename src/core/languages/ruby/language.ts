import { oneGrammar } from '../language';

export const rubyLanguage = oneGrammar('ruby', ['.rb'], '#');
