// Phone identity: turning what people type and what WhatsApp sends into one comparable key.
//
// Pure and deterministic (no I/O, clocks or randomness; no `node:` imports) so that workflow
// code can bundle it. The only library is libphonenumber-js with its `max` metadata: `min`
// only checks a country's overall number pattern, so it calls an obsolete 8-digit Brazilian
// mobile (+55 11 8765-4321) "valid" and cannot tell us that it needs its 9th digit back.
//
// Two kinds of rules live here:
//  - MODERNIZE (one direction): a number in a numbering-plan format that no longer exists is
//    rewritten to its current form, but only when the metadata rejects the number as typed and
//    accepts the rewrite. A number the metadata accepts is never rewritten.
//  - ALTERNATES (both directions): the digit strings WhatsApp may use for the same account.
//    `samePhone` links two numbers when their alternates overlap. Every rule is a one-to-one
//    mapping between a current form and one other form, so two different current numbers never
//    end up sharing an alternate (that would link two different people).

import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { normalizeDigits } from './normalize.js';

export type TypedPhoneResult =
  | { ok: true; e164: string; country: string | null }
  | { ok: false; reason: 'country_required' | 'invalid'; message: string };

// ---------------------------------------------------------------------------------------------
// Country-specific rules. All take and return country-code-first digit strings (wa_id style).

// Brazilian area codes (DDD) in use; the mobile 9th digit was added in every one of them
// (Anatel, 2012–2016). Mobile subscriber numbers started with 6-9, landlines with 2-5.
// WhatsApp accounts registered before the change often keep the 8-digit wa_id. (The metadata
// still calls some 8-digit 7xxx numbers valid, the old trunked-radio ranges, so those are not
// modernized; they are still linked to their 9-digit form by the alternates.)
const BR_DDD = '(?:1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[13-579]|8[1-9]|9[1-9])';
const BR_MOBILE_WITH_9 = new RegExp(`^55(${BR_DDD})9([6-9]\\d{7})$`);
const BR_MOBILE_WITHOUT_9 = new RegExp(`^55(${BR_DDD})([6-9]\\d{7})$`);

// Mexico: until August 2019 a mobile was dialled from abroad as +52 1 + 10 digits; now all
// numbers are +52 + 10 digits. WhatsApp still reports older accounts as 521XXXXXXXXXX.
// Mexican 10-digit numbers never start with 0 or 1.
const MX_OLD_MOBILE = /^521([2-9]\d{9})$/;
const MX_CURRENT = /^52([2-9]\d{9})$/;

// Argentina: mobiles are +54 9 + 10 digits internationally (area code + number, nationally
// written 0 + area code + 15 + number). Geographic area codes start with 1, 2 or 3. The same
// 10 digits belong to one line, so 54XXXXXXXXXX and 549XXXXXXXXXX name the same person; both
// forms stay in use, so neither is "modernized".
const AR_MOBILE = /^549([1-3]\d{9})$/;
const AR_WITHOUT_9 = /^54([1-3]\d{9})$/;

// Benin: on 30 November 2024 every number (mobile and fixed, any operator) went from 8 to 10
// digits by prefixing 01 (ARCEP Bénin). Old 8-digit wa_ids may still be stored.
const BJ_NEW = /^22901(\d{8})$/;
const BJ_OLD = /^229(\d{8})$/;

// Considered and left out:
//  - Côte d'Ivoire (225) also went 8 -> 10 digits (31 January 2021), but the 2-digit prefix
//    depends on the operator that held the number (01 Moov, 05 MTN, 07 Orange mobile; 21/25/27
//    fixed). Without that per-block mapping, an old 8-digit number would link to three
//    different current numbers, so no rule is applied.
//  - Trunk zeros written after the country code (+966 05x, +44 (0)20, +20 010, +234 0803) are
//    already dropped by libphonenumber when parsing, and Italy's leading 0 is part of the
//    number (+39 06 …) and is kept; neither needs a rule here.

/** The current form of a number written in an obsolete national format, or null. */
function modernize(d: string): string | null {
  let m = BR_MOBILE_WITHOUT_9.exec(d);
  if (m) return `55${m[1]}9${m[2]}`;
  m = MX_OLD_MOBILE.exec(d);
  if (m) return `52${m[1]}`;
  m = BJ_OLD.exec(d);
  if (m) return `22901${m[1]}`;
  return null;
}

/** Other digit strings that denote the same line (not including `d` itself). */
function alternates(d: string): string[] {
  const out: string[] = [];
  let m: RegExpExecArray | null;
  if ((m = BR_MOBILE_WITH_9.exec(d))) out.push(`55${m[1]}${m[2]}`);
  if ((m = BR_MOBILE_WITHOUT_9.exec(d))) out.push(`55${m[1]}9${m[2]}`);
  if ((m = MX_OLD_MOBILE.exec(d))) out.push(`52${m[1]}`);
  if ((m = MX_CURRENT.exec(d))) out.push(`521${m[1]}`);
  if ((m = AR_MOBILE.exec(d))) out.push(`54${m[1]}`);
  if ((m = AR_WITHOUT_9.exec(d))) out.push(`549${m[1]}`);
  if ((m = BJ_NEW.exec(d))) out.push(`229${m[1]}`);
  if ((m = BJ_OLD.exec(d))) out.push(`22901${m[1]}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseInternational(digits: string): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(`+${digits}`, { extract: false });
  } catch {
    return undefined;
  }
}

/**
 * The E.164 form for a number libphonenumber has parsed (or, if it could not, for its raw
 * international digits). Strict validity (`isValid`, which checks the allocated ranges of the
 * metadata) is preferred; a number that is only `isPossible` (right length for its country) is
 * still accepted, so that ranges opened after this metadata was published are not rejected.
 * Order: as typed if valid > modernized if valid > as typed if possible > modernized if possible.
 * Trade-off: `isPossible` is only a length check, and some countries allow a wide range of
 * lengths (Brazil: 8 to 11 national digits), so a number typed with a digit missing can pass.
 */
function resolve(parsed: PhoneNumber | undefined, digits: string): { e164: string; country: string | null } | null {
  const asTyped = parsed ?? parseInternational(digits);
  const modern = modernize(asTyped ? asTyped.number.slice(1) : digits);
  const modernParsed = modern === null ? undefined : parseInternational(modern);
  const order: Array<[PhoneNumber | undefined, 'valid' | 'possible']> = [
    [asTyped, 'valid'],
    [modernParsed, 'valid'],
    [asTyped, 'possible'],
    [modernParsed, 'possible'],
  ];
  for (const [p, level] of order) {
    if (!p) continue;
    if (level === 'valid' ? p.isValid() : p.isPossible()) {
      return { e164: p.number, country: p.country ?? null };
    }
  }
  return null;
}

// Characters people put between digits: whitespace, dashes of any kind, dots, brackets, slashes.
const SEPARATORS = /[\s\u00a0\u2007\u202f\-\u2010-\u2015\u2212.()[\]/]/g;
// Invisible direction marks and other format characters copied along with RTL text.
const FORMAT_CHARS = /\p{Cf}/gu;

function compactTyped(input: string): string {
  return normalizeDigits(input).replace(FORMAT_CHARS, '').replace(/\uff0b/g, '+').replace(SEPARATORS, '');
}

/**
 * A phone number as a person types it, to E.164. Accepts separators (spaces, dashes, dots,
 * parentheses, slashes), a leading `+`, a leading `00` (read as `+`), Arabic-Indic digits, and
 * a national number when `defaultCountry` (ISO 3166 alpha-2, any case) is given.
 */
export function parseTypedPhone(input: string, defaultCountry?: string): TypedPhoneResult {
  const compact = compactTyped(input);
  if (!/^\+?\d+$/.test(compact)) {
    return { ok: false, reason: 'invalid', message: `not a phone number: ${JSON.stringify(input)}` };
  }
  const digitCount = compact.replace('+', '').length;
  if (digitCount < 5 || digitCount > 17) {
    return { ok: false, reason: 'invalid', message: `a phone number has 5 to 17 digits, got ${digitCount}` };
  }

  let international: string | null = null;
  if (compact.startsWith('+')) international = compact.slice(1);
  else if (compact.startsWith('00')) international = compact.slice(2);

  if (international !== null) {
    const r = resolve(parseInternational(international), international);
    return r
      ? { ok: true, ...r }
      : { ok: false, reason: 'invalid', message: `not a valid international number: +${international}` };
  }

  const country = defaultCountry?.trim().toUpperCase();
  if (!country || !isSupportedCountry(country)) {
    return {
      ok: false,
      reason: 'country_required',
      message: country
        ? `unknown country ${JSON.stringify(defaultCountry)}; write the number with + and the country code`
        : 'a national number needs a country: write it with + and the country code',
    };
  }

  let national = compact;
  // Mexico dropped its dialling prefixes in August 2019 (044/045 before mobiles, 01 before
  // long distance); people still type them, and current metadata no longer strips them.
  if (country === 'MX') national = national.replace(/^(?:044|045|01)(?=[2-9]\d{9}$)/, '');

  let parsed: PhoneNumber | undefined;
  try {
    parsed = parsePhoneNumberFromString(national, { defaultCountry: country, extract: false });
  } catch {
    parsed = undefined;
  }
  const r = parsed ? resolve(parsed, parsed.number.slice(1)) : null;
  return r
    ? { ok: true, ...r }
    : { ok: false, reason: 'invalid', message: `not a valid ${country} number: ${JSON.stringify(input)}` };
}

/** The digits of an E.164 number or wa_id (leading `+` and separators dropped), or null. */
function toDigits(e164OrWaId: string): string | null {
  const compact = compactTyped(e164OrWaId);
  const digits = compact.startsWith('+') ? compact.slice(1) : compact;
  return /^\d+$/.test(digits) ? digits : null;
}

/**
 * The E.164 form of a WhatsApp wa_id (country code + number, digits only, no `+`), or null when
 * it does not parse. Obsolete formats are brought up to date: an 8-digit Brazilian mobile gets
 * its 9, Mexico's 521 loses its 1, Benin's 8-digit numbers gain 01. Keep the raw wa_id as the
 * key either way; this is for display and matching.
 */
export function waIdToE164(waId: string): string | null {
  const digits = toDigits(waId);
  if (digits === null || digits.length < 7 || digits.length > 15) return null;
  return resolve(undefined, digits)?.e164 ?? null;
}

/**
 * Every wa_id-style digit string (no `+`) that may denote the same WhatsApp user: the input
 * first, then its current E.164 form, then the alternate forms of both. Deduplicated; [] when
 * the input has no digits.
 */
export function phoneVariants(e164OrWaId: string): string[] {
  // Parsing with full metadata is the webhook's costliest step per message; the same buyers write
  // again and again, so the answers are kept (a pure function: bounded memo, copies handed out).
  const known = variantsMemo.get(e164OrWaId);
  if (known) return [...known];
  const computed = computeVariants(e164OrWaId);
  if (variantsMemo.size >= VARIANTS_MEMO_SIZE) variantsMemo.delete(variantsMemo.keys().next().value!);
  variantsMemo.set(e164OrWaId, computed);
  return [...computed];
}

const VARIANTS_MEMO_SIZE = 20_000;
const variantsMemo = new Map<string, readonly string[]>();

function computeVariants(e164OrWaId: string): string[] {
  const digits = toDigits(e164OrWaId);
  if (digits === null || digits.length === 0) return [];
  const out = [digits];
  const add = (d: string) => {
    if (!out.includes(d)) out.push(d);
  };
  const canonical = digits.length <= 15 ? resolve(undefined, digits)?.e164.slice(1) : undefined;
  if (canonical) add(canonical);
  for (const d of [digits, ...(canonical ? [canonical] : [])]) for (const alt of alternates(d)) add(alt);
  return out;
}

/** True when `a` and `b` (E.164 numbers or wa_ids) may be the same WhatsApp user. */
export function samePhone(a: string, b: string): boolean {
  const va = phoneVariants(a);
  if (va.length === 0) return false;
  return phoneVariants(b).some((d) => va.includes(d));
}

/** ISO 3166 alpha-2 country of an E.164 number or wa_id, or null when it cannot be told. */
export function countryOfPhone(e164OrWaId: string): string | null {
  for (const d of phoneVariants(e164OrWaId)) {
    if (d.length > 17) continue;
    const country = parseInternational(d)?.country;
    if (country) return country;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Per-country defaults

// The main (most populous / business-capital) IANA zone of each country.
const TIMEZONE: Readonly<Record<string, string>> = {
  // Gulf Cooperation Council
  SA: 'Asia/Riyadh',
  AE: 'Asia/Dubai',
  KW: 'Asia/Kuwait',
  QA: 'Asia/Qatar',
  BH: 'Asia/Bahrain',
  OM: 'Asia/Muscat',
  // Rest of the Middle East and North Africa
  EG: 'Africa/Cairo',
  JO: 'Asia/Amman',
  LB: 'Asia/Beirut',
  IQ: 'Asia/Baghdad',
  SY: 'Asia/Damascus',
  PS: 'Asia/Gaza',
  YE: 'Asia/Aden',
  IL: 'Asia/Jerusalem',
  IR: 'Asia/Tehran',
  TR: 'Europe/Istanbul',
  LY: 'Africa/Tripoli',
  SD: 'Africa/Khartoum',
  MA: 'Africa/Casablanca',
  DZ: 'Africa/Algiers',
  TN: 'Africa/Tunis',
  MR: 'Africa/Nouakchott',
  // Asia and Oceania
  PK: 'Asia/Karachi',
  IN: 'Asia/Kolkata',
  BD: 'Asia/Dhaka',
  LK: 'Asia/Colombo',
  NP: 'Asia/Kathmandu',
  AF: 'Asia/Kabul',
  ID: 'Asia/Jakarta',
  MY: 'Asia/Kuala_Lumpur',
  SG: 'Asia/Singapore',
  PH: 'Asia/Manila',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong',
  TW: 'Asia/Taipei',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  KZ: 'Asia/Almaty',
  UZ: 'Asia/Tashkent',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
  // Sub-Saharan Africa
  NG: 'Africa/Lagos',
  GH: 'Africa/Accra',
  KE: 'Africa/Nairobi',
  ET: 'Africa/Addis_Ababa',
  TZ: 'Africa/Dar_es_Salaam',
  UG: 'Africa/Kampala',
  RW: 'Africa/Kigali',
  ZA: 'Africa/Johannesburg',
  SN: 'Africa/Dakar',
  CI: 'Africa/Abidjan',
  BJ: 'Africa/Porto-Novo',
  CM: 'Africa/Douala',
  AO: 'Africa/Luanda',
  MZ: 'Africa/Maputo',
  // Europe
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  IT: 'Europe/Rome',
  PT: 'Europe/Lisbon',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  AT: 'Europe/Vienna',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  DK: 'Europe/Copenhagen',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  HU: 'Europe/Budapest',
  RO: 'Europe/Bucharest',
  GR: 'Europe/Athens',
  UA: 'Europe/Kyiv',
  RU: 'Europe/Moscow',
  // Americas
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires',
  CO: 'America/Bogota',
  CL: 'America/Santiago',
  PE: 'America/Lima',
  VE: 'America/Caracas',
  EC: 'America/Guayaquil',
  BO: 'America/La_Paz',
  PY: 'America/Asuncion',
  UY: 'America/Montevideo',
  CR: 'America/Costa_Rica',
  PA: 'America/Panama',
  GT: 'America/Guatemala',
  HN: 'America/Tegucigalpa',
  SV: 'America/El_Salvador',
  NI: 'America/Managua',
  DO: 'America/Santo_Domingo',
  PR: 'America/Puerto_Rico',
  CU: 'America/Havana',
};

// BCP-47 primary language subtag most customers of that country write in.
const LANGUAGE: Readonly<Record<string, string>> = {
  // Arabic
  SA: 'ar', AE: 'ar', KW: 'ar', QA: 'ar', BH: 'ar', OM: 'ar', EG: 'ar', JO: 'ar', LB: 'ar', IQ: 'ar',
  SY: 'ar', PS: 'ar', YE: 'ar', LY: 'ar', SD: 'ar', MA: 'ar', DZ: 'ar', TN: 'ar', MR: 'ar',
  // Spanish
  ES: 'es', MX: 'es', AR: 'es', CO: 'es', CL: 'es', PE: 'es', VE: 'es', EC: 'es', BO: 'es', PY: 'es',
  UY: 'es', CR: 'es', PA: 'es', GT: 'es', HN: 'es', SV: 'es', NI: 'es', DO: 'es', PR: 'es', CU: 'es',
  // Portuguese
  BR: 'pt', PT: 'pt', AO: 'pt', MZ: 'pt',
  // French
  FR: 'fr', SN: 'fr', CI: 'fr', BJ: 'fr', CM: 'fr',
  // Other European
  DE: 'de', AT: 'de', CH: 'de', IT: 'it', NL: 'nl', BE: 'nl', SE: 'sv', NO: 'nb', DK: 'da', FI: 'fi',
  PL: 'pl', CZ: 'cs', HU: 'hu', RO: 'ro', GR: 'el', UA: 'uk', RU: 'ru',
  // Asia and the rest
  TR: 'tr', IR: 'fa', AF: 'fa', IL: 'he', PK: 'ur', BD: 'bn', LK: 'si', NP: 'ne', ID: 'id', MY: 'ms',
  TH: 'th', VN: 'vi', CN: 'zh', HK: 'zh', TW: 'zh', JP: 'ja', KR: 'ko', KZ: 'ru', UZ: 'uz', ET: 'am',
  TZ: 'sw',
  // English (explicit for clarity; also the default): GB, IE, US, CA, AU, NZ, IN (business
  // messaging there is mostly English), SG, PH, NG, GH, KE, UG, RW, ZA.
  GB: 'en', IE: 'en', US: 'en', CA: 'en', AU: 'en', NZ: 'en', IN: 'en', SG: 'en', PH: 'en', NG: 'en',
  GH: 'en', KE: 'en', UG: 'en', RW: 'en', ZA: 'en',
};

/** A reasonable IANA timezone for a country (ISO alpha-2, any case); 'UTC' when unknown. */
export function defaultTimezoneForCountry(country: string | null | undefined): string {
  return (country && TIMEZONE[country.trim().toUpperCase()]) || 'UTC';
}

/** The BCP-47 primary language tag most likely for a country (ISO alpha-2, any case); 'en' when unknown. */
export function defaultLanguageForCountry(country: string | null | undefined): string {
  return (country && LANGUAGE[country.trim().toUpperCase()]) || 'en';
}

/** Countries with an explicit timezone entry (for tests and admin screens). */
export const COUNTRIES_WITH_DEFAULT_TIMEZONE: readonly string[] = Object.keys(TIMEZONE);
