/** Passwords that broke parsing and redaction (issue 12 item 6), shared by the unit and database tests. */

/** Each holds the markers S3cret and Tail9, so any fragment that leaks is found. */
export const TRICKY = ['Sup3r@S3cretPWTail9', 'S3cret:Tail9', 'S3cret/Tail9', 'S3cret Tail9', `S3cret'q"Tail9`, 'S3cret\\Tail9', 'S3cret ünï©ødé🔑 Tail9', `@:/ '"\\S3cret@Tail9`];

/** A libpq key=value value: quoted, with \ and ' escaped. */
export function kvQuote(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
