import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DUPLICATE_SCORES,
  jaro,
  jaroWinkler,
  nameSimilarity,
  nameTokens,
  normalizeEmail,
  normalizeName,
  orderedPair,
  SIMILAR_NAME_THRESHOLD,
  similarNames,
  similarNameScore,
  trigramDice,
} from '../../domain/duplicates.js';
import { dedupeKeys } from '../../db/crm/duplicates.js';
import { normalizeArabic } from '../../domain/normalize.js';

describe('string similarity', () => {
  it('Jaro and Jaro-Winkler give the textbook values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.944, 3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaro('abc', 'xyz')).toBe(0);
    expect(jaro('', '')).toBe(1);
    expect(jaro('a', '')).toBe(0);
  });

  it('trigram Dice is 1 for equal strings and low for different ones', () => {
    expect(trigramDice('abdulrahman', 'abdulrahman')).toBe(1);
    expect(trigramDice('mariasilva', 'mariasouza')).toBeLessThan(0.6);
    expect(trigramDice('', '')).toBe(0);
  });

  it('is symmetric and within 0..1', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        const s = nameSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(nameSimilarity(b, a)).toBeCloseTo(s, 10);
        const j = jaroWinkler(a, b);
        expect(j).toBeGreaterThanOrEqual(0);
        expect(j).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe('name normalisation', () => {
  it('folds case, diacritics, Arabic letter forms, tashkeel and tatweel; joins hyphens', () => {
    expect(nameTokens('  José  GARCÍA ')).toEqual(['jose', 'garcia']);
    expect(nameTokens('Mohammed Al-Rashid')).toEqual(['mohammed', 'alrashid']);
    expect(nameTokens("O'Brien, Seán")).toEqual(['obrien', 'sean']);
    expect(nameTokens('أحمد')).toEqual(nameTokens('احمد'));
    expect(nameTokens('إبراهيم')).toEqual(nameTokens('ابراهيم'));
    expect(nameTokens('فاطمة')).toEqual(nameTokens('فاطمه'));
    expect(nameTokens('مُحَمَّد')).toEqual(nameTokens('محمد'));
    expect(nameTokens('محـــمد')).toEqual(nameTokens('محمد'));
    expect(nameTokens('مصطفى')).toEqual(nameTokens('مصطفي'));
    expect(nameTokens('Straße')).toEqual(['strasse']);
    expect(nameTokens('')).toEqual([]);
    expect(nameTokens(null)).toEqual([]);
  });

  it('folds Arabic letters with the table the classifier uses (one copy), keeping a final hamza', () => {
    for (const [variant, plain] of [['کریم', 'كريم'], ['عائشہ', 'عايشه'], ['ٲحمد', 'احمد'], ['٣ فاطمة', '3 فاطمه']] as const) {
      expect(nameTokens(variant), variant).toEqual(nameTokens(plain));
      expect(normalizeArabic(variant), variant).toBe(normalizeArabic(plain));
    }
    // علاء (Alaa) and علا (Ola) are two names: only chat text drops the hamza.
    expect(normalizeName('علاء')).not.toBe(normalizeName('علا'));
    expect(normalizeArabic('علاء')).toBe(normalizeArabic('علا'));
  });
});

describe('similar names', () => {
  const same: [string, string][] = [
    ['Mohammed Al-Rashid', 'Mohamed Alrashid'],
    ['José García', 'jose garcia'],
    ['Smith John', 'John Smith'],
    ['أحمد علي', 'احمد علي'],
    ['فاطمة الزهراء', 'فاطمه الزهراء'],
    ['محمد عبدالله', 'محمد عبد الله'],
    ['Abdul Rahman', 'Abdulrahman'],
    ['Aisha Khan', 'Aysha Khan'],
    ['Sara Ahmed', 'Sarah Ahmed'],
    ['Jonathan Smith', 'Jonathon Smith'],
    ['Khaled Hussein', 'Khalid Hussain'],
    ['Mohammed Ali', 'Mohammed Ali Hassan'],
  ];
  const different: [string, string][] = [
    ['John Smith', 'Jane Smith'],
    ['Maria Silva', 'Maria Souza'],
    ['Ahmed Ali', 'Ahmed Hassan'],
    ['Peter Jones', 'Peter Johnson'],
    ['Mohammed Abdullah Alghamdi', 'Mohammed Abdulaziz Alghamdi'],
    ['Mark Lee', 'Mike Lee'],
    ['Emma Wilson', 'Emily Wilson'],
    ['Li Wei', 'Li Na'],
    ['Ahmed', 'Ahmed Ali'],
    ['Ali', 'Omar'],
    ['', 'Omar'],
  ];
  it.each(same)('%s ~ %s', (a, b) => {
    expect(nameSimilarity(a, b)).toBeGreaterThanOrEqual(SIMILAR_NAME_THRESHOLD);
    expect(similarNames(a, b)).toBe(true);
  });
  it.each(different)('%s !~ %s', (a, b) => {
    expect(nameSimilarity(a, b)).toBeLessThan(SIMILAR_NAME_THRESHOLD);
    expect(similarNames(a, b)).toBe(false);
  });
  it('identical names score 1 and rank below the exact matches', () => {
    expect(nameSimilarity('Noura Al Saud', 'noura al saud')).toBe(1);
    expect(similarNameScore(1)).toBe(0.85);
    expect(similarNameScore(1)).toBeLessThan(DUPLICATE_SCORES.same_email);
    expect(DUPLICATE_SCORES.same_email).toBeLessThan(DUPLICATE_SCORES.same_phone);
    expect(similarNameScore(0.9)).toBeLessThan(similarNameScore(0.95));
  });
});

describe('e-mail', () => {
  it('trims and lower-cases valid addresses, rejects others', () => {
    expect(normalizeEmail('  Noura@Example.COM ')).toBe('noura@example.com');
    expect(normalizeEmail('a.b+tag@sub.example.co')).toBe('a.b+tag@sub.example.co');
    for (const bad of ['', '   ', 'noura', 'noura@', '@example.com', 'a@b', 'a b@example.com', 'a@example..com', 'a@@example.com']) {
      expect(normalizeEmail(bad), bad).toBeNull();
    }
    expect(normalizeEmail(null)).toBeNull();
  });
});

describe('pairs and lock keys', () => {
  it('orders a pair the same way whichever way round it comes', () => {
    const a = '0f000000-0000-4000-8000-000000000000';
    const b = 'a0000000-0000-4000-8000-000000000000';
    expect(orderedPair(a, b)).toEqual([a, b]);
    expect(orderedPair(b, a)).toEqual([a, b]);
  });

  it('every form of one number shares one lock key; different numbers do not', () => {
    const key = (p: string) => dedupeKeys({ phoneE164: p, email: null, companyId: null });
    // Brazil's 9th digit, Mexico's 521, Argentina's 549, Benin's 01.
    expect(key('+5511987654321')).toEqual(key('551187654321'));
    expect(key('+525512345678')).toEqual(key('5215512345678'));
    expect(key('+5491123456789')).toEqual(key('541123456789'));
    expect(key('+2290197123456')).toEqual(key('22997123456'));
    expect(key('+966551234567')).not.toEqual(key('+966551234568'));
    expect(dedupeKeys({ phoneE164: null, email: 'a@b.co', companyId: 'c' })).toEqual(['crm:email:a@b.co', 'crm:company:c']);
  });
});
