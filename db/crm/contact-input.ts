// What a person types into a contact, checked and normalised: phone to E.164, country, e-mail,
// timezone, language. Pure: no database. Failures name the field at fault.
import { isSupportedCountry } from 'libphonenumber-js/max';
import { normalizeEmail } from '../../domain/duplicates.js';
import { parseTypedPhone } from '../../domain/phone.js';
import { invalid } from './errors.js';

const blank = (s: string | null | undefined): s is null | undefined | '' => s === null || s === undefined || s.trim() === '';

/** ISO 3166 alpha-2, upper-cased; null when not given. */
export function checkCountry(input: string | null | undefined, field = 'country'): string | null {
  if (blank(input)) return null;
  const c = input.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(c) || !isSupportedCountry(c)) {
    throw invalid(field, `${field} must be an ISO 3166 alpha-2 country code such as "SA" or "BR", got ${JSON.stringify(input)}`);
  }
  return c;
}

/**
 * A typed phone to E.164 with its country. A national number needs `defaultCountry`: without it
 * the failure names `country`; a number that is not one names `phone`.
 */
export function checkPhone(input: string, defaultCountry: string | null, fields = { phone: 'phone', country: 'country' }) {
  const r = parseTypedPhone(input, defaultCountry ?? undefined);
  if (r.ok) return { e164: r.e164, country: r.country };
  if (r.reason === 'country_required') {
    throw invalid(
      fields.country,
      `${fields.country} is required for the national number ${JSON.stringify(input)}: give ${fields.country} (e.g. "SA") or write the number with + and the country code`,
    );
  }
  throw invalid(fields.phone, `${fields.phone} is not a valid phone number: ${r.message}`);
}

export function checkEmail(input: string | null | undefined, field = 'email'): string | null {
  if (blank(input)) return null;
  const e = normalizeEmail(input);
  if (!e) throw invalid(field, `${field} is not a valid e-mail address: ${JSON.stringify(input)}`);
  return e;
}

export function checkTimezone(input: string | null | undefined, field = 'timezone'): string | null {
  if (blank(input)) return null;
  const tz = input.trim();
  try {
    // The canonical spelling (asia/riyadh -> Asia/Riyadh).
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw invalid(field, `${field} must be an IANA time zone such as "Asia/Riyadh", got ${JSON.stringify(input)}`);
  }
}

export function checkLanguage(input: string | null | undefined, field = 'language'): string | null {
  if (blank(input)) return null;
  try {
    const [tag] = Intl.getCanonicalLocales(input.trim());
    if (!tag) throw new Error('empty');
    return tag;
  } catch {
    throw invalid(field, `${field} must be a BCP-47 language tag such as "ar" or "pt-BR", got ${JSON.stringify(input)}`);
  }
}

export function checkName(input: string | null | undefined, field = 'name'): string {
  const name = (input ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if (name.length === 0) throw invalid(field, `${field} is required`);
  if (name.length > 500) throw invalid(field, `${field} is longer than 500 characters`);
  return name;
}
