/** A small piece of source code in a unit test: its whole text, or its lines (joined with "\n"). */
export type Code = string | readonly string[];

export const textOf = (code: Code): string => (typeof code === 'string' ? code : code.join('\n'));
