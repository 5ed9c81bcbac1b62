/**
 * What looks sensitive in a column: its name (or its type's name, e.g. a domain `email_address`),
 * and the shape of the values pg_stats keeps for it (most common values, histogram bounds). Pure.
 * The sampled values are judged here and never copied into a finding.
 */

export type SensitiveKind = 'email' | 'phone' | 'card number' | 'national id' | 'password hash' | 'secret token' | 'bank account' | 'date of birth';

const NAME_PATTERNS: [SensitiveKind, string][] = [
  ['email', '(^|_)e_?mail(_?addr(ess)?)?$'],
  ['phone', '(^|_)(phone|mobile|msisdn|telephone|cell_?phone)(_?(number|num|no))?$'],
  ['card number', '(^|_)(card_?(number|num|no|pan)|cc_?(number|num|no)|credit_?card(_?(number|num|no))?|pan)$'],
  ['national id', '(^|_)(ssn|social_?security(_?(number|num|no))?|national_?(id|insurance)(_?(number|num|no))?|nin|nino|passport(_?(number|num|no))?|tax_?(id|number)|tin|nhs_?(number|no)|aadhaar|bsn|cpf|personnummer|id_?card_?(number|no))$'],
  ['password hash', '(^|_)(password|passwd|pwd|pass_?hash|password_?(hash|digest)|encrypted_?password|hashed_?password|crypted_?password)$'],
  ['secret token', '(^|_)(token|api_?key|secret|secret_?key|access_?token|refresh_?token|auth_?token|session_?token|private_?key|otp_?secret|totp_?secret|reset_?token)$'],
  ['bank account', '(^|_)(iban|bank_?account(_?(number|num|no))?|account_?number|routing_?number|sort_?code)$'],
  ['date of birth', '(^|_)(dob|date_?of_?birth|birth_?date|birthday)$'],
];

const NAME_RES = NAME_PATTERNS.map(([k, re]) => [k, new RegExp(re, 'i')] as const);

/** One regular expression for all names, valid in both JavaScript and PostgreSQL (`~*`): the SQL filters with it. */
export const SENSITIVE_NAME_PATTERN = NAME_PATTERNS.map(([, re]) => `(${re})`).join('|');

/** Column names that hold a tenant or user key (rls-missing). Tenant keys alone say "multi-tenant". */
export const TENANT_KEY_COLUMNS = ['tenant_id', 'org_id', 'organization_id', 'organisation_id', 'workspace_id', 'account_id', 'team_id', 'company_id'];
export const USER_KEY_COLUMNS = ['user_id', 'owner_id', 'customer_id'];

export function sensitiveKindByName(name: string): SensitiveKind | undefined {
  return NAME_RES.find(([, re]) => re.test(name))?.[0];
}

const SHAPES: [SensitiveKind, (v: string) => boolean][] = [
  ['email', (v) => /^[^@\s]{1,64}@[^@\s]+\.[a-z]{2,}$/i.test(v)],
  ['password hash', (v) => /^(\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}|\$argon2(id|i|d)\$.+|\$(5|6)\$.+\$.+|md5[0-9a-f]{32}|SCRAM-SHA-256\$.+|pbkdf2[_$].+)$/.test(v)],
  ['card number', (v) => /^\d[\d -]{11,22}\d$/.test(v) && luhn(v.replace(/\D/g, ''))],
  ['national id', (v) => /^(\d{3}-\d{2}-\d{4}|[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]|\d{3}\.\d{3}\.\d{3}-\d{2})$/i.test(v)],
  // E.164: at most 15 digits; a separator or a leading + tells a phone from a plain number.
  ['phone', (v) => /^\+?[\d ().-]{7,20}$/.test(v) && digitCount(v) >= 7 && digitCount(v) <= 15 && /[+ ()-]/.test(v) && !NOT_PHONE.test(v)],
  ['secret token', (v) => /^(?=.*\d)(?=.*[a-z])[A-Za-z0-9_-]{32,}$/.test(v) || /^[0-9a-f]{32,}$/i.test(v)],
];

/** Dates, times and plain or negative numbers have phone-like characters too. */
const NOT_PHONE = /^(\d{4}-\d\d-\d\d|\d\d:\d\d|-?\d+(\.\d+)?$|\d+(\.\d+){2,}$)/;
const digitCount = (v: string) => (v.match(/\d/g) ?? []).length;

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The kind most sampled values have (at least 3 values and a share ≥ 60%), or undefined. */
export function sensitiveKindByShape(sample: readonly string[] | null | undefined): SensitiveKind | undefined {
  const values = (sample ?? []).filter((v) => typeof v === 'string' && v.length > 0);
  if (values.length < 3) return undefined;
  for (const [kind, test] of SHAPES) {
    const hits = values.filter(test).length;
    if (hits / values.length >= 0.6) return kind;
  }
  return undefined;
}
