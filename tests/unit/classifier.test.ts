// The built-in rule-based classifier: accuracy on the labelled set, normalisation, tricky cases,
// purity (it is bundled into workflow code) and the `classify` CLI.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../helpers/cli.js';
import { describe, expect, it } from 'vitest';
import {
  classifyMessage,
  detectLanguage,
  detectOptOut,
  ruleBasedClassifier,
  type Classification,
} from '../../workflows/policy/classify/index.js';
import { INTENTS, URGENCIES, type Intent } from '../../domain/vocabulary.js';
import { normalizeArabic, normalizeForMatch, squeezeRepeats } from '../../domain/normalize.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

interface Labelled {
  text: string | null;
  type?: string;
  language: string;
  intent: Intent;
  urgency: Classification['urgency'];
  optOut: boolean;
  needsReply: boolean;
}

const FIELDS = ['intent', 'language', 'urgency', 'optOut', 'needsReply'] as const;
const THRESHOLDS: Record<(typeof FIELDS)[number], number> = {
  intent: 0.85,
  language: 0.95,
  urgency: 0.8,
  optOut: 1.0, // no false and no missed opt-outs
  needsReply: 0.9,
};

const labelled: Labelled[] = readFileSync(path.join(repoRoot, 'tests/fixtures/classifier-labelled.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Labelled);

const hasArabicLetters = (s: string | null) => s !== null && /[\u0600-\u06ff]/.test(s);

describe('labelled set', () => {
  it('is large and balanced enough to mean something', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(180);
    const en = labelled.filter((r) => r.language === 'en').length;
    const ar = labelled.filter((r) => r.language === 'ar').length;
    const arabizi = labelled.filter((r) => r.language === 'ar' && r.text && !hasArabicLetters(r.text)).length;
    expect(en).toBeGreaterThanOrEqual(labelled.length * 0.3);
    expect(ar).toBeGreaterThanOrEqual(labelled.length * 0.3);
    expect(arabizi).toBeGreaterThanOrEqual(20);
    for (const intent of INTENTS) expect(labelled.some((r) => r.intent === intent), intent).toBe(true);
    for (const urgency of URGENCIES) expect(labelled.some((r) => r.urgency === urgency), urgency).toBe(true);
    expect(labelled.some((r) => r.type === 'reaction')).toBe(true);
    expect(labelled.some((r) => r.text !== null && r.text !== '' && !/[\p{L}\p{N}]/u.test(r.text))).toBe(true); // emoji-only
    for (const r of labelled) {
      expect(INTENTS).toContain(r.intent);
      expect(URGENCIES).toContain(r.urgency);
      expect(r.optOut).toBe(r.intent === 'opt_out');
    }
  });

  it('meets the accuracy thresholds (per field, with an intent confusion summary)', () => {
    const correct: Record<string, number> = {};
    const confusion = new Map<string, number>();
    const misses: string[] = [];
    for (const r of labelled) {
      const c = classifyMessage({ text: r.text, ...(r.type ? { type: r.type } : {}) });
      for (const f of FIELDS) if (c[f] === r[f]) correct[f] = (correct[f] ?? 0) + 1;
      if (c.intent !== r.intent) {
        const key = `${r.intent} -> ${c.intent}`;
        confusion.set(key, (confusion.get(key) ?? 0) + 1);
      }
      const wrong = FIELDS.filter((f) => c[f] !== r[f]);
      if (wrong.length > 0) {
        misses.push(`  ${JSON.stringify(r.text)}: ${wrong.map((f) => `${f} ${String(r[f])}->${String(c[f])}`).join(', ')}`);
      }
    }
    const accuracy = Object.fromEntries(FIELDS.map((f) => [f, (correct[f] ?? 0) / labelled.length]));
    const lines = [
      `classifier accuracy on ${labelled.length} labelled messages:`,
      ...FIELDS.map((f) => `  ${f.padEnd(11)} ${(accuracy[f]! * 100).toFixed(1)}%  (threshold ${(THRESHOLDS[f] * 100).toFixed(0)}%)`),
      'intent confusion (expected -> got):',
      ...(confusion.size === 0
        ? ['  none']
        : [...confusion.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${k}: ${n}`)),
      ...(misses.length > 0 ? ['misclassified:', ...misses.slice(0, 40)] : []),
    ];
    console.log(lines.join('\n'));
    for (const f of FIELDS) expect(accuracy[f], f).toBeGreaterThanOrEqual(THRESHOLDS[f]);
  });
});

describe('normalisation', () => {
  it('strips tashkeel and tatweel', () => {
    expect(normalizeArabic('مَرْحَبًا')).toBe('مرحبا');
    expect(normalizeArabic('شـــكـــرا')).toBe('شكرا');
    expect(normalizeArabic('السَّلَامُ عَلَيْكُمْ')).toBe('السلام عليكم');
  });

  it('unifies alef forms, ya, ta marbuta and hamza carriers', () => {
    expect(normalizeArabic('أإآٱ')).toBe('اااا');
    expect(normalizeArabic('على مستشفى')).toBe('علي مستشفي');
    expect(normalizeArabic('فاتورة')).toBe('فاتوره');
    expect(normalizeArabic('مؤكد')).toBe('موكد');
    expect(normalizeArabic('رسائل')).toBe('رسايل');
    expect(normalizeArabic('أريد إلغاء الاشتراك')).toBe('اريد الغا الاشتراك'); // word-final hamza is dropped, as chat spelling does
  });

  it('turns Arabic-Indic and Eastern digits into ASCII', () => {
    expect(normalizeArabic('٤٢ و ۱۲۳')).toBe('42 و 123');
    expect(normalizeForMatch('طلب رقم ٤٥٦٧')).toBe('طلب رقم 4567');
  });

  it('lowercases Latin, drops accents and apostrophes, turns punctuation and emoji into spaces', () => {
    expect(normalizeForMatch("Don't STOP!!! 👍 Où est ma commande?")).toBe('dont stop ou est ma commande');
    expect(normalizeForMatch('❤️❤️')).toBe('');
    expect(normalizeForMatch('  hi,,,   there ')).toBe('hi there');
  });

  it('squeezes repeated letters for word comparison, and patterns tolerate them', () => {
    expect(squeezeRepeats('pleeease')).toBe('please');
    expect(squeezeRepeats('هلااا')).toBe('هلا');
    expect(classifyMessage({ text: 'pleeeease heeelp' }).intent).toBe('support');
    expect(classifyMessage({ text: 'هلااااا' }).intent).toBe('greeting');
    expect(classifyMessage({ text: 'shukraaan' }).intent).toBe('acknowledgment');
    expect(classifyMessage({ text: 'STOOOP' }).optOut).toBe(true);
    // Never the other way round: "por favor" is not "poor", "god" is not "good".
    expect(classifyMessage({ text: 'por favor' }).intent).not.toBe('complaint');
  });

  it('matches diacritised, tatweel and variant spellings of the same words', () => {
    expect(classifyMessage({ text: 'كَمْ السِّعْرُ؟' }).intent).toBe('pricing');
    expect(classifyMessage({ text: 'بكــــام ده؟' }).intent).toBe('pricing');
    expect(classifyMessage({ text: 'إلغاء الإشتراك' }).optOut).toBe(true);
    expect(classifyMessage({ text: 'شكرًا جزيلًا' }).intent).toBe('acknowledgment');
  });
});

describe('language', () => {
  it.each([
    ['Where is my order?', 'en'],
    ['وين طلبي؟', 'ar'],
    ['kam el si3r?', 'ar'],
    ['ab8a atlob wa7ed', 'ar'],
    ['salam, 3ayez a3raf el as3ar', 'ar'],
    ['wen el order', 'ar'],
    ['Hola, ¿cuánto cuesta el envío a Madrid?', 'es'],
    ['Gracias por todo', 'es'],
    ['Olá, vocês entregam em Lisboa?', 'pt'],
    ['Bonjour, je voudrais commander deux pizzas', 'fr'],
    ['Guten Tag, wie viel kostet das?', 'de'],
    ['Merhaba, siparişim nerede?', 'tr'],
    ['Terima kasih, barang sudah sampai', 'id'],
    ['Здравствуйте, сколько стоит доставка?', 'ru'],
    ['नमस्ते, इसकी कीमत क्या है?', 'hi'],
    ['שלום, יש לכם משלוח?', 'he'],
    ['你好，多少钱？', 'zh'],
    ['こんにちは、在庫はありますか？', 'ja'],
    ['안녕하세요 배송 언제 와요?', 'ko'],
    ['سلام، قیمت این چنده؟', 'fa'],
    ['آپ کی قیمت کیا ہے؟', 'ur'],
    ['👍👍', 'und'],
    ['?', 'und'],
    ['12345', 'und'],
  ])('%s -> %s', (text, language) => {
    expect(detectLanguage(text).language).toBe(language);
    expect(classifyMessage({ text }).language).toBe(language);
  });

  it('flags Arabizi in the signals', () => {
    expect(classifyMessage({ text: '7abibi shukran' }).signals).toContain('lang:arabizi');
  });
});

describe('opt-out: asked to stop messages, and nothing else', () => {
  it.each([
    'STOP', 'stop please', 'Unsubscribe', 'UNSUB', 'opt out', 'stop sending me messages', 'Please stop texting me',
    'remove me from your list', 'take me off your mailing list', 'delete my number', "don't message me again",
    "I don't want to receive any more promotions", 'no more messages please', 'how do I stop these messages?', 'leave me alone',
    'cancel',
    'إلغاء الاشتراك', 'الغاء', 'توقف', 'وقف', 'ستوب', 'لا ترسل لي', 'لا ترسلوا لي رسائل', 'ابي الغي', 'كفايه رسايل', 'بطلوا رسايل',
    'وقفوا الرسائل لو سمحت', 'ما ابي رسايل منكم', 'مش عايز رسايل تاني', 'شيلوا رقمي من القائمة', 'احذفوا رقمي', 'لا تراسلوني',
    'أرجو عدم إرسال رسائل لي', 'لا اريد تلقي رسائل منكم', 'wa2fo el rasayel', 'mesh 3ayez rasayel', 'ma abi rasayel',
  ])('opt-out: %s', (text) => {
    const c = classifyMessage({ text });
    expect(c.optOut).toBe(true);
    expect(c.intent).toBe('opt_out');
    expect(c.needsReply).toBe(false);
    expect(c.urgency).toBe('low');
    expect(c.signals.some((s) => s.startsWith('opt_out'))).toBe(true);
  });

  it.each([
    ['stop, I meant the blue one', 'order'],
    ["don't stop the order", 'order'],
    ['how do I cancel my order', 'order'],
    ['cancel my order please', 'order'],
    ['cancel it', 'order'],
    ['the delivery stopped', 'support'],
    ['can you stop by tomorrow', 'question'],
    ['it stopped working', 'support'],
    ["please don't send the order yet", 'order'],
    ['I stopped receiving updates about my order', 'support'],
    ['توقف الجهاز', 'support'],
    ['الجهاز توقف عن الشحن', 'support'],
    ['الغاء الطلب', 'order'],
    ['ابي الغي الطلب', 'order'],
    ['كيف الغي طلبي؟', 'order'],
    ['لا ترسل الطلب اليوم', 'order'],
    ['لا توقف الطلب', 'order'],
    ['وقف التوصيل لين ارجع', 'order'],
    ['ليش ما ترسلون لي رسالة تأكيد؟', 'question'],
  ])('not an opt-out: %s (%s)', (text, intent) => {
    const c = classifyMessage({ text });
    expect(c.optOut).toBe(false);
    expect(c.intent).toBe(intent);
  });

  it('detectOptOut works on normalised text directly', () => {
    expect(detectOptOut(normalizeForMatch('Stop sending me ads')).optOut).toBe(true);
    expect(detectOptOut(normalizeForMatch('stop the car')).optOut).toBe(false);
  });
});

describe('tricky cases', () => {
  const cases: Array<[string, Partial<Classification>, string?]> = [
    ['hi, how much is X?', { intent: 'pricing', needsReply: true }],
    ['السلام عليكم، كم سعر الشنطة؟', { intent: 'pricing', needsReply: true }],
    ['hello, do you deliver to Jeddah?', { intent: 'question' }],
    ['Hi, how are you?', { intent: 'greeting', needsReply: true }],
    ['thanks, but when will it arrive?', { intent: 'support', needsReply: true }],
    ['Let me think', { intent: 'other', needsReply: false, urgency: 'low' }],
    ["I'll get back to you", { intent: 'other', needsReply: false }],
    ['خليني افكر وارجع لك', { intent: 'other', needsReply: false }],
    ['Thanks!', { intent: 'acknowledgment', needsReply: false, urgency: 'low' }],
    ['مشكور ما قصرت', { intent: 'acknowledgment', needsReply: false }],
    ['I was charged twice!!', { intent: 'complaint', urgency: 'urgent' }],
    ['انخصم المبلغ مرتين', { intent: 'complaint', urgency: 'urgent' }],
    ['the charger caught fire', { intent: 'complaint', urgency: 'urgent' }],
    ['I will contact my lawyer', { intent: 'complaint', urgency: 'urgent' }],
    ['URGENT please call me', { urgency: 'urgent', needsReply: true }],
    ['عاجل', { urgency: 'urgent', needsReply: true }],
    ['Are you open today?', { intent: 'question', urgency: 'high' }],
    ['ابيه اليوم', { intent: 'order', urgency: 'high' }],
    ['WHERE IS MY ORDER', { intent: 'support', urgency: 'high' }],
    ['نصابين وحرامية', { intent: 'complaint', urgency: 'high' }],
    ['this is the worst service ever!!!', { intent: 'complaint', urgency: 'high' }],
    ['The item arrived damaged', { intent: 'complaint', urgency: 'normal' }],
    ['My package has not arrived yet', { intent: 'support', urgency: 'normal' }],
    ['is this original or a copy?', { intent: 'question' }],
    ['Congratulations! You won a free iPhone, click bit.ly/x', { intent: 'spam', needsReply: false, urgency: 'low' }],
    ['مبروك لقد فزت بجائزة، اضغط على الرابط', { intent: 'spam' }],
    ['Do you accept bitcoin?', { intent: 'question' }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(classifyMessage({ text })).toMatchObject(expected);
  });

  it('emoji-only, reactions and stickers are acknowledgments unless they ask', () => {
    expect(classifyMessage({ text: '👍' })).toMatchObject({ intent: 'acknowledgment', language: 'und', needsReply: false, urgency: 'low' });
    expect(classifyMessage({ text: '❤️❤️🙏' })).toMatchObject({ intent: 'acknowledgment', language: 'und' });
    expect(classifyMessage({ text: '👍', type: 'reaction' })).toMatchObject({ intent: 'acknowledgment', needsReply: false });
    expect(classifyMessage({ text: null, type: 'reaction' })).toMatchObject({ intent: 'acknowledgment', needsReply: false });
    expect(classifyMessage({ text: null, type: 'sticker' })).toMatchObject({ intent: 'acknowledgment', needsReply: false });
    expect(classifyMessage({ text: '🤔?' })).toMatchObject({ intent: 'question', language: 'und', needsReply: true });
    expect(classifyMessage({ text: '؟' })).toMatchObject({ intent: 'question', needsReply: true });
    expect(classifyMessage({ text: '👍' }).signals).toContain('emoji_only');
  });

  it('empty messages need nothing; media without a caption is for a person to look at', () => {
    expect(classifyMessage({ text: '' })).toMatchObject({ intent: 'other', needsReply: false, urgency: 'low', language: 'und' });
    expect(classifyMessage({ text: null })).toMatchObject({ needsReply: false, language: 'und' });
    expect(classifyMessage({ text: null, type: 'audio' })).toMatchObject({ intent: 'other', needsReply: true });
    expect(classifyMessage({ text: 'Track my order', type: 'button' })).toMatchObject({ intent: 'support' });
  });

  it('explains decisions with signals', () => {
    expect(classifyMessage({ text: 'how much is it?' }).signals).toEqual(expect.arrayContaining(['kw:price', 'question_mark']));
    expect(classifyMessage({ text: 'Can you deliver today?' }).signals).toContain('time_bound:today');
    expect(classifyMessage({ text: 'ابيه الحين' }).signals).toContain('time_bound:الحين');
    expect(classifyMessage({ text: 'charged twice' }).signals).toContain('money_at_risk');
    expect(classifyMessage({ text: 'STOP' }).signals).toContain('opt_out:stop');
    expect(classifyMessage({ text: 'YOU ARE USELESS' }).signals).toContain('angry');
  });

  it('is deterministic and stays fast on long or repetitive input', () => {
    const text = 'مرحبا، وين طلبي؟ صار لي اسبوع';
    expect(classifyMessage({ text })).toEqual(classifyMessage({ text }));
    const long = `${'blah '.repeat(5000)} please stop sending me messages`;
    const started = performance.now();
    classifyMessage({ text: long });
    classifyMessage({ text: 'ما '.repeat(4000) });
    classifyMessage({ text: 'a'.repeat(20000) });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('ruleBasedClassifier implements the pluggable interface', async () => {
    const input = { text: 'kam el si3r?' };
    expect(await ruleBasedClassifier.classify(input)).toEqual(classifyMessage(input));
    expect(ruleBasedClassifier.name).toBe('rules');
  });
});

describe('purity (bundled into Temporal workflow code)', () => {
  // The classifier and the normalisation it matches on.
  const files = [
    ...readdirSync(path.join(repoRoot, 'workflows/policy/classify'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `workflows/policy/classify/${f}`),
    'domain/normalize.ts',
  ];
  it.each(files)('%s has no I/O, clocks or randomness', (file) => {
    const src = readFileSync(path.join(repoRoot, file), 'utf8');
    expect(src).not.toMatch(/from ['"]node:/);
    expect(src).not.toMatch(/require\(/);
    expect(src).not.toMatch(/\bDate\.now\b|new Date\(|Math\.random|performance\.now|process\.|setTimeout|setInterval/);
    for (const m of src.matchAll(/from '([^']+)'/g)) expect(m[1]!.startsWith('.')).toBe(true);
  });
});

describe('classify CLI', () => {
  const runCli = (input: string) => runCommand('server/classify.ts', input);

  it('writes one result per input line, in order, errors in place, and exits 0', async () => {
    const input = [
      JSON.stringify({ text: 'hi, how much is the blue one?' }),
      'this is not json',
      JSON.stringify({ text: 'STOP' }),
      JSON.stringify({ text: '👍', type: 'reaction' }),
      JSON.stringify({ text: 42 }),
      JSON.stringify({ text: 'وين طلبي؟' }),
      JSON.stringify({ text: 'kam el si3r' }),
    ].join('\n');
    const { code, stdout, stderr } = await runCli(`${input}\n`);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(7);
    const out = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(out[0]!)).toEqual(['language', 'intent', 'needsReply', 'urgency', 'optOut', 'signals']);
    expect(out[0]).toMatchObject({ language: 'en', intent: 'pricing', needsReply: true, optOut: false });
    expect(out[1]).toHaveProperty('error');
    expect(out[2]).toMatchObject({ intent: 'opt_out', optOut: true, needsReply: false, urgency: 'low' });
    expect(out[3]).toMatchObject({ intent: 'acknowledgment', needsReply: false });
    expect(out[4]).toHaveProperty('error');
    expect(out[5]).toMatchObject({ language: 'ar', intent: 'support' });
    expect(out[6]).toMatchObject({ language: 'ar', intent: 'pricing' });
    expect(stderr).toMatch(/line 2/);
    expect(stderr).toMatch(/line 5/);
  }, 30_000);

  it('handles a large input line by line (no trailing newline, CRLF)', async () => {
    const n = 3000;
    const body = Array.from({ length: n }, (_, i) => JSON.stringify({ text: i % 2 ? 'شكرا' : `order #${i}, where is it?` })).join('\r\n');
    const { code, stdout } = await runCli(body);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(n);
    expect(JSON.parse(lines[1]!)).toMatchObject({ intent: 'acknowledgment', language: 'ar' });
    expect(JSON.parse(lines[n - 1]!)).toMatchObject({ intent: 'acknowledgment' });
  }, 60_000);
});
