// The knowledge-base matcher: the labelled sets (before and after tuning, reported apart by
// `npm run --silent answer -- --eval`), the hard negatives one by one, and the validation of
// what PUT /api/v1/knowledge takes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateKnowledge, type KnowledgeEntry } from '../../domain/knowledge.js';
import { automatedAnswersFor, DEFAULT_MIN_CONFIDENCE, features, matchAnswer, prepareKnowledge } from '../../workflows/policy/answer.js';
import { classifyMessage } from '../../workflows/policy/classify/index.js';
import { runCommand } from '../helpers/cli.js';

const kbDoc = JSON.parse(readFileSync(new URL('../fixtures/answers/knowledge.json', import.meta.url), 'utf8'));
const checked = validateKnowledge(kbDoc);
if (!checked.ok) throw new Error(checked.reasons.join('; '));
const kb = prepareKnowledge(checked.entries);
const answer = (text: string) => matchAnswer(text, classifyMessage({ text }), kb);
const answered = (text: string) => {
  const m = answer(text);
  return m.entryId !== null && m.confidence >= DEFAULT_MIN_CONFIDENCE ? m.entryId : null;
};

function labelled(name: string) {
  return readFileSync(new URL(`../fixtures/answers/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; expect: string | null; lang: string });
}

describe.each(['before-tuning.jsonl', 'after-tuning.jsonl', 'review-set.jsonl'])('labelled set %s', (file) => {
  const lines = labelled(file);
  // The review set was written by a reviewer to break the matcher (197 lines; see README for its figures).
  const review = file === 'review-set.jsonl';
  it('answers with the wrong entry at most once in 100 answers (the sets of our own: never)', () => {
    const given = lines.filter((l) => answered(l.text) !== null);
    const wrong = given.filter((l) => answered(l.text) !== l.expect).map((l) => `${l.text} -> ${answered(l.text)}`);
    if (review) expect(wrong.length / given.length, wrong.join('\n')).toBeLessThanOrEqual(0.02);
    else expect(wrong).toEqual([]);
  });
  it(`answers at least ${review ? 80 : 90}% of the answerable questions in English and Arabic`, () => {
    for (const lang of ['en', 'ar']) {
      const answerable = lines.filter((l) => l.lang === lang && l.expect);
      const hit = answerable.filter((l) => answered(l.text) === l.expect).length;
      expect(hit / answerable.length, `${lang}: ${hit}/${answerable.length}`).toBeGreaterThanOrEqual(review ? 0.8 : 0.9);
    }
  });
});

describe('hard negatives', () => {
  it.each([
    ['a complaint that mentions delivery', 'My delivery never arrived and nobody answers'],
    ['a complaint about shipping charges', 'you charged me twice for shipping!!'],
    ['an Arabic complaint about delivery', 'التوصيل تأخر اسبوع وما احد يرد علي'],
    ['unhappy about the warranty without the word complaint', 'The warranty is useless, you refused to fix my bed'],
    ['an Arabic unhappy message the classifier may miss', 'المندوب ما جا وانا انتظر من الصبح'],
    ['the price of a product', 'How much is the oak dining table?'],
    ['the price of a product in Arabic', 'كم سعر الكنبة الرمادية؟'],
    ['the price of a product in Arabizi', 'bkam el kanaba?'],
    ['stock of a product', 'Is the blue armchair in stock?'],
    ['thanks', 'thanks a lot!'],
    ['Arabic thanks', 'شكرا جزيلا'],
    ['an emoji', '👍'],
    ['an opt-out', 'stop sending me messages'],
    ['an Arabic opt-out', 'لا ترسلون لي رسائل مرة ثانية'],
    ["an order's whereabouts (not the shop's location)", 'Where is my order? It should have arrived yesterday'],
    ['an order', 'I want to order 2 chairs and a table'],
    ['urgent', 'My child got hurt by your chair, it collapsed. Call me now!'],
    ['a topic no entry covers', 'do you have a discount code?'],
    ['nothing to match', "that's not what I asked"],
    ["the buyer's own delivery", 'Where is my delivery?'],
    ["the courier of the buyer's order", 'وين المندوب؟'],
    ['a thing the buyer bought', 'وين الكنب اللي طلبته؟'],
    ['when a delivery under way arrives', 'متى يوصل الكنب؟'],
    ['a change to a delivery', 'Can I change the delivery address?'],
    ["a product's price with a service", 'How much is the sofa with delivery?'],
    ["a product's stock with a service", 'Is the oak table available for cash on delivery?'],
    ['a why-question about shipping', 'Why is shipping so expensive?'],
    ['an unhappy promise', 'You promised free delivery!!'],
    ['slow delivery in Arabic', 'الشحن بطيء جدا'],
    ['a negation', "I don't need delivery, where is the shop?"],
    ['where, about something else', 'Where did you get this fabric from?'],
    ['an invoice', 'Where is the invoice?'],
  ])('%s: no answer', (_why, text) => {
    const m = answer(text);
    expect(answered(text), `${m.entryId} ${m.confidence} ${m.reason}`).toBeNull();
    expect(m.reason).not.toBe('');
  });

  it('says why: the complaint guard, the product guard', () => {
    expect(answer('The sofa you delivered is broken, I want my money back').reason).toMatch(/complaint|unhappy/);
    expect(answer('How much is the oak dining table?').reason).toMatch(/price or stock question about .*no entry covers/);
  });
});

describe('answers', () => {
  it('in the buyer\'s language, with the entry and a confidence', () => {
    const ar = answer('هل توصلون للدمام؟');
    expect(ar).toMatchObject({ entryId: 'delivery-areas', language: 'ar' });
    expect(ar.answer).toBe(checked.ok && checked.entries.find((e) => e.id === 'delivery-areas')!.answer.ar);
    expect(ar.confidence).toBeGreaterThanOrEqual(DEFAULT_MIN_CONFIDENCE);
    const en = answer('Do you deliver to Abha?');
    expect(en).toMatchObject({ entryId: 'delivery-areas', language: 'en' });
    expect(en.answer).toMatch(/every city/);
    expect(answer('fe tawseel l jeddah?')).toMatchObject({ entryId: 'delivery-areas', language: 'ar' });
  });

  it('an entry without the buyer\'s language: the entry and no answer text', () => {
    const only: KnowledgeEntry[] = [{ id: 'hours', questions: ['What are your opening hours?'], answer: { en: '9 to 5' } }];
    const m = matchAnswer('متى تفتحون؟', classifyMessage({ text: 'متى تفتحون؟' }), prepareKnowledge(only));
    expect(m.entryId).toBe('hours');
    expect(m.answer).toBeUndefined();
    expect(m.reason).toMatch(/no ar answer/);
  });

  it('shipping cost and delivery areas are told apart; a price and a service question is the service', () => {
    expect(answered('How much is shipping to Dammam?')).toBe('shipping-cost');
    expect(answered('Do you ship to Dammam?')).toBe('delivery-areas');
    expect(answered('Is cash on delivery available?')).toBe('cash-on-delivery');
  });

  it('an empty knowledge base answers nothing', () => {
    expect(matchAnswer('Do you deliver?', classifyMessage({ text: 'Do you deliver?' }), prepareKnowledge([]))).toMatchObject({ entryId: null, reason: 'the knowledge base is empty' });
  });

  it('features: Arabic folded, Arabizi and English reach the same topics', () => {
    expect([...features('توصّلون لجدة؟').topics]).toEqual(['delivery']);
    expect([...features('tawseel jeddah').topics]).toEqual(['delivery']);
    expect([...features('Do you deliver to Jeddah').topics]).toEqual(['delivery']);
    expect([...features('How long is the warranty?').topics]).toEqual(['warranty']);
  });
});

describe('validateKnowledge', () => {
  it('accepts the sample and normalises language keys', () => {
    const v = validateKnowledge({ entries: [{ id: 'x', questions: [' Where? '], answer: { EN: 'Here' } }] });
    expect(v).toEqual({ ok: true, entries: [{ id: 'x', questions: ['Where?'], answer: { en: 'Here' } }] });
  });
  it.each([
    [null, /\(root\)/],
    [{}, /entries: required/],
    [{ entries: [{ questions: ['a?'], answer: { en: 'b' } }] }, /entries\[0\]\.id/],
    [{ entries: [{ id: 'a', questions: [], answer: { en: 'b' } }] }, /entries\[0\]\.questions: required/],
    [{ entries: [{ id: 'a', questions: ['  '], answer: { en: 'b' } }] }, /entries\[0\]\.questions\[0\]/],
    [{ entries: [{ id: 'a', questions: ['q?'], answer: {} }] }, /entries\[0\]\.answer: required/],
    [{ entries: [{ id: 'a', questions: ['q?'], answer: { 'not a tag!': 'b' } }] }, /not a language tag/],
    [{ entries: [{ id: 'a', questions: ['q?'], answer: { en: 'x'.repeat(5000) } }] }, /4096/],
    [{ entries: [{ id: 'a', questions: ['q?'], answer: { en: 'b' } }, { id: 'a', questions: ['r?'], answer: { en: 'c' } }] }, /entries\[1\]\.id: "a" is used/],
    [{ entries: [{ id: 'a', questions: ['q?'], answer: { en: 'b' }, keywords: [] }] }, /entries\[0\]\.keywords: unknown field/],
  ])('refuses %j naming the path', (doc, re) => {
    const v = validateKnowledge(doc);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reasons.join('; ')).toMatch(re);
  });
});

describe('automatedAnswersFor (the turn guard)', () => {
  const item = (id: string, text: string) => {
    const classification = classifyMessage({ text });
    return { waMessageId: id, classification, answer: matchAnswer(text, classification, kb) };
  };
  const base = { rules: { enabled: true, minConfidence: DEFAULT_MIN_CONFIDENCE }, maySend: true, answeredBefore: false };

  it('answers a known question once per entry, covering both messages that ask it', () => {
    const t = automatedAnswersFor({ ...base, burst: [item('a', 'Do you deliver to Abha?'), item('b', 'do you ship to Khobar?')] });
    expect(t.send.map((x) => x.entryId)).toEqual(['delivery-areas']);
    expect(t.covered).toEqual(['a', 'b']);
  });
  it('nothing when automation may not send, after an automated answer, or when the rules turn it off', () => {
    const burst = [item('a', 'Do you deliver to Abha?')];
    expect(automatedAnswersFor({ ...base, burst, maySend: false, whyNot: 'paused' })).toMatchObject({ send: [], reasons: ['no automated answer: paused'] });
    expect(automatedAnswersFor({ ...base, burst, answeredBefore: true }).send).toEqual([]);
    expect(automatedAnswersFor({ ...base, burst, rules: { enabled: false, minConfidence: 0.6 } }).send).toEqual([]);
  });
  it('nothing for the whole burst when it holds a complaint or an urgent message', () => {
    const t = automatedAnswersFor({ ...base, burst: [item('a', 'Do you deliver to Abha?'), item('b', 'The last sofa you delivered is broken, I want my money back')] });
    expect(t.send).toEqual([]);
    expect(t.reasons.join()).toMatch(/complaint/);
  });
  it('below minConfidence, or no text in the buyer\'s language: a person answers', () => {
    const burst = [item('a', 'Do you deliver to Abha?')];
    const weak = [{ ...burst[0]!, answer: { ...burst[0]!.answer, entryId: 'delivery-areas', confidence: 0.7 } }];
    expect(automatedAnswersFor({ ...base, burst: weak, rules: { enabled: true, minConfidence: 0.8 } }).reasons.join()).toMatch(/0.7 < 0.8/);
    const fr = { waMessageId: 'f', classification: { ...classifyMessage({ text: 'x' }), intent: 'question' as const, needsReply: true, language: 'fr' }, answer: { entryId: 'delivery-areas', confidence: 0.9, language: 'fr', reason: '' } };
    expect(automatedAnswersFor({ ...base, burst: [fr] }).reasons.join()).toMatch(/no fr answer/);
  });
});

describe('npm run --silent answer', () => {
  const runCli = (args: string[], input: string) => runCommand('server/answer.ts', input, { args, env: { THREADLINE_DATA_DIR: '/nonexistent/threadline-test' } });

  it('one line out per line in: knowledge per line or from --knowledge; errors in place', async () => {
    const inline = { entries: [{ id: 'hours', questions: ['When do you open?'], answer: { en: '9 to 5', ar: 'من ٩ إلى ٥' } }] };
    const r = await runCli(['--knowledge', 'tests/fixtures/answers/knowledge.json'], [
      JSON.stringify({ text: 'متى تفتحون؟', knowledge: inline }),
      JSON.stringify({ text: 'Do you deliver to Abha?' }),
      JSON.stringify({ text: 'my sofa arrived broken' }),
      JSON.stringify({ text: 7 }),
      JSON.stringify({ text: 'x', knowledge: { entries: [{ id: '' }] } }),
    ].join('\n'));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ entryId: 'hours', language: 'ar', answer: 'من ٩ إلى ٥' });
    expect(lines[1]).toMatchObject({ entryId: 'delivery-areas', language: 'en' });
    expect(lines[2]).toMatchObject({ entryId: null });
    expect(lines[3].error).toMatch(/"text" must be a string/);
    expect(lines[4].error).toMatch(/entries\[0\]\.id/);
  });

  it('--eval prints precision and coverage per language', async () => {
    const r = await runCli(['--eval', 'tests/fixtures/answers/after-tuning.jsonl', '--knowledge', 'tests/fixtures/answers/knowledge.json'], '');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ar\s+32\s+\d+\.\d% \(\d+\/\d+\)\s+\d+\.\d%/m);
    expect(r.stdout).toMatch(/^en\s+37\s+100\.0%/m);
  });
});
