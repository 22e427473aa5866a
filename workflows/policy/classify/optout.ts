// Opt-out detection: does the buyer ask to receive no more messages? Pure and deterministic.
//
// Two kinds of evidence:
//  - the whole message is an opt-out keyword, possibly with politeness around it
//    ("STOP", "stop please", "unsubscribe", "cancel", "الغاء", "توقف", "وقف لو سمحت");
//  - a phrase whose object is messages/contact ("stop sending me messages", "remove me from your
//    list", "don't message me again", "لا ترسل لي", "كفايه رسايل", "الغاء الاشتراك").
// A bare "stop"/"توقف" inside a longer sentence is not enough: "stop, I meant the blue one",
// "the delivery stopped", "توقف الجهاز" and "how do I cancel my order" are not opt-outs.

import { plusify } from './lexicon.js';
import { normalizeArabic, normalizeForMatch, squeezeRepeats } from '../../../domain/normalize.js';

/** Compile a pattern written in normalised spelling into one over normalised text (letters may repeat). */
function nre(src: string, flags = 'u'): RegExp {
  return new RegExp(plusify(normalizeArabic(src)), flags);
}

const key = (s: string) => squeezeRepeats(normalizeForMatch(s));

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';

// What a buyer calls the messages they want stopped.
const MSG_EN =
  '(?:messages?|msgs?|texts?|texting|sms|whatsapps?|whatsapp messages?|notifications?|notifs?|promos?|promotions?|' +
  'promotional(?: messages?| offers?)?|offers?|ads|adverts?|advertisements?|advertising|marketing(?: messages?)?|newsletters?|' +
  'spam|broadcasts?|emails?|mails?|calls?|reminders?|alerts?|campaigns?|deals?|this spam|these|this|them|all this|al this|al of this|anything)';
const MSG_AR =
  '(?:رسايل|رساله|رسايلكم|رسالتكم|الرسايل|الرساله|مسجات|المسجات|ماسجات|الماسجات|مسج|المسج|اعلانات|الاعلانات|اعلاناتكم|' +
  'اعلان|عروض|العروض|عروضكم|ازعاج|الازعاج|ازعاجي|ارسال|الارسال|مراسله|المراسله|مراسلتي|مراسلات|المراسلات|تسويق|التسويق|' +
  'برودكاست|البرودكاست|اشعارات|الاشعارات|نشرات|النشرات|نشره|واتساب|الواتساب|الواتس|اتصالات|الاتصالات|رسائلكم|اتصال|الاتصال|' +
  'رسايلكو|ترسلون|ترسلوا|تبعتوا|تبعتولي|ترسلولي|rasayel|rasail|rsayel|messages)';

// Contacting verbs: "anyone to call me", "you to message me".
const CONTACT_AR =
  '(?:يكلمني|يراسلني|يتصل بي|يتصل علي|يتصل|تكلموني|تكلمني|تتصلوا|تتصلون|يتواصل معي|تتواصلوا معي|تتواصلون معي|يبعتلي|يرسلي|يرسل لي|' +
  'ترسلولي|ترسلون لي|ترسلوا لي|تراسلوني|تراسلني|تبعتولي|تبعتوا لي|يزعجني|تزعجوني|تزعجني)';

// The whole message (after removing politeness) is one of these.
const WHOLE_KEYWORDS = new Set(
  [
    'stop', 'stop all', 'stopall', 'stop it', 'stop this', 'stop now', 'stop them', 'stop messages', 'stop msgs', 'stop texts',
    'unsubscribe', 'unsubscribe me', 'unsub', 'optout', 'opt out', 'opt me out', 'cancel', 'end', 'quit', 'remove', 'remove me',
    'leave me alone', 'no more', 'no more please', 'enough messages', 'stop stop', 'unsubscribe unsubscribe',
    'توقف', 'توقفوا', 'وقف', 'وقفوا', 'اوقف', 'اوقفوا', 'قف', 'ستوب', 'ايقاف', 'الغاء', 'الغي', 'الغاء الاشتراك', 'الغي الاشتراك',
    'الغاء اشتراك', 'الغاء اشتراكي', 'الغي اشتراكي', 'كفايه', 'كفى', 'يكفي', 'بلاش', 'بطلوا', 'بطل', 'خلاص وقفوا',
    'ابي الغي', 'ابغى الغي', 'ابغي الغي', 'ابغا الغي', 'بدي الغي', 'عايز الغي', 'عاوز الغي', 'اريد الالغاء', 'اريد الغاء',
    'ابي الغاء', 'ابغى الغاء', 'لا ترسل', 'لا ترسلوا', 'لا ترسلي', 'لا ترسل لي', 'لا ترسلوا لي', 'لا تراسلني', 'لا تراسلوني',
    'wa2ef', 'wa2fo', 'wa2fu', 'ilgha', 'elgha2', 'alghi', 'bala rasayel',
    'baja', 'darme de baja', 'alto', 'parar', 'pare', 'arret', 'arreter', 'stopp', 'durdur', 'berhenti', 'basta',
  ].map(key),
);
const FILLER = new Set(
  (
    'please pls plz plis plss kindly now immediately asap already just it thanks thank you thx ok okay sir madam maam all ' +
    'guys again now thank u right away ty can could would will you u just لو سمحت سمحتوا لوسمحت من فضلك فضلك رجاء رجاءا ارجوك ارجوكم الله يخليك يخليكم يا اخي ' +
    'اخي جماعه يا شباب خلاص بس شكرا الحين حالا فورا لو سمحتو por favor svp bitte lutfen tolong'
  )
    .split(/\s+/)
    .map(key),
);

// "cancel" alone is the SMS opt-out keyword; "cancel it" refers to something else (an order).
const AMBIGUOUS_ALONE = new Set(['cancel', 'end', 'quit', 'remove', 'الغي', 'الغاء'].map(key));
const OBJECT_PRONOUNS = new Set(['it', 'that', 'this', 'them']);

const PHRASES: Array<[string, RegExp]> = [
  ['unsubscribe', nre(`${B}(?:unsubscribe|unsub|opt ?out|opt me out|optout)${E}`)],
  ['stop_sending', nre(`${B}(?:stop|quit|cease) (?:msging|msgng|msging|txting|texting|txt|msg|messaging|texting|contacting|emailing|spamming|calling|bothering|bugging|pestering|harassing|disturbing|writing to|whatsapping)${E}`)],
  ['stop_sending', nre(`${B}stop (?:sending|send)(?: me| us)?(?: (?:any|al|al the|all the|these|those|this|your|the|ur|more|so many|such))* ${MSG_EN}${E}`)],
  ['stop_sending', nre(`${B}stop (?:sending|send) (?:me|us)(?: (?:please|pls|plz|now|anymore|any more|again))*$`)],
  ['stop_messages', nre(`${B}stop (?:al |the |your |these |those |this |al these |al the |al your |ur |with the |with these |with your )?${MSG_EN}${E}`)],
  ['stop_receiving', nre(`${B}stop (?:receiving|getting)(?: (?:any|al|the|these|those|your|ur|more))* ${MSG_EN}${E}`)],
  ['dont_contact', nre(`${B}(?:dont|do not|never|pls dont|please dont|plz dont|dont ever|do not ever|stop) (?:message|msg|text|contact|whatsapp|email|call|spam|bother|disturb|write to|write|ping|sms|send messages to) (?:me|us)${E}`)],
  ['dont_send', nre(`${B}(?:dont|do not|never|pls dont|please dont) send (?:me |us )?(?:any |more |further |these |those |your |such |al )*${MSG_EN}${E}`)],
  ['dont_send', nre(`${B}(?:dont|do not|never|pls dont|please dont) send (?:me|us)(?: (?:again|anymore|any more|ever again|please|pls|thanks))*$`)],
  ['dont_send', nre(`${B}(?:dont|do not|never) send (?:me|us) (?:anything|anythin) (?:again|anymore|any more|else)`)],
  ['no_more', nre(`${B}no more (?:${MSG_EN}|contact|spamming)${E}`)],
  ['remove_me', nre(`${B}(?:remove|delete|take|erase|drop|unlist|exclude)(?: me| my number| my contact| my details| my phone number| my phone| my info| my name| this number| my data)(?: (?:from|of|out of|off))? (?:your |the |this |ur |al your |al |our |these )?(?:list|lists|mailing list|contact list|contacts|database|broadcast|broadcast list|group|system|records|marketing list|whatsapp list|subscribers|subscription)${E}`)],
  ['remove_me', nre(`${B}(?:remove|delete|erase) (?:my number|my contact|this number|my phone number|my details|my data)${E}`)],
  ['remove_me', nre(`${B}take me of(?: your| the| this| ur)? (?:list|mailing list|contacts|database|broadcast)${E}`)],
  ['dont_want', nre(`${B}(?:i )?(?:dont|do not|no longer|dont ever|never) (?:want|wish|need|like|wana) (?:to )?(?:receive |get |see |have |any |these |those |your |al |this |more |such |further |the )*${MSG_EN}${E}`)],
  ['dont_want', nre(`${B}(?:i )?(?:dont|do not|no longer) (?:want|wish) (?:to be|being) (?:contacted|messaged|texted|spammed|on your list|subscribed|disturbed)${E}`)],
  ['leave_alone', nre(`${B}leave me alone${E}`)],
  // Arabic
  ['unsubscribe', nre(`${B}(?:[وف])?(?:الغاء|الغي|الغوا|الغو|الغيلي|ايقاف|اوقف|وقف|وقفوا|الغيت|الغينا|اريد الغاء|ابي الغي|ابغى الغي|بدي الغي)(?: (?:لي|لو سمحت|من فضلك))? (?:الاشتراك|اشتراكي|التسجيل|تسجيلي|الاشتراك في الرسايل|اشتراك الرسايل)${E}`)],
  ['stop_messages', nre(`${B}(?:[وف])?(?:وقف|وقفوا|وقفو|وقفي|اوقف|اوقفوا|اوقفو|توقف|توقفوا|توقفو|بطل|بطلوا|بطلو|بطلي|كفايه|كفي|كفى|خلاص|ستوب|قف|يكفي|بلاش|قللوا|خففوا|شيلوا|الغوا|الغي|حلو عني)(?: (?:ارجوك|لو سمحت|من فضلك|يا اخي|خلاص))? (?:من |عن )?${MSG_AR}${E}`)],
  ['dont_send', nre(`${B}(?:لا|بلاش|ياريت ما|ارجو عدم|رجاء عدم|الرجاء عدم|ارجوك لا|ارجوكم لا|يا ريت ما) ?(?:ترسل|ترسلو|ترسلوا|ترسلي|ترسلون|ترسلولي|ترسلوني|تبعت|تبعتو|تبعتوا|تبعتلي|تبعتولي|تبعث|تبعثوا|تبعثلي|تبعثولي|ارسال|الارسال|ترسلوا لي|ترسل لي)(?: (?:لي|لنا|علي|عليا|ل))?(?: (?:اي|شي|شيء|اشي|حاجه|مره ثانيه|مره تانيه|مره اخري|ثاني|تاني|بعد اليوم|ابدا|نهائيا|مجددا|بعد كذا|خلاص|رجاء|لو سمحت|من فضلك|${MSG_AR}))*$`)],
  ['dont_send', nre(`${B}(?:لا|ما|بلاش|ارجو عدم|رجاء عدم|الرجاء عدم|مابي|ماابي|ما ابيكم|ما ابغاكم) ?(?:ترسل|ترسلو|ترسلوا|ترسلي|ترسلون|ترسلولي|تبعت|تبعتو|تبعتوا|تبعتلي|تبعتولي|تبعث|تبعثوا|ارسال|الارسال|ترسلوا لي|ترسل لي)(?: (?:لي|لنا|علي|ل|اي|شي|مره ثانيه|ثاني|تاني))* ${MSG_AR}${E}`)],
  ['dont_contact', nre(`${B}(?:لا|بلاش|ارجو عدم|الرجاء عدم|رجاء عدم|ما ابيكم|ما ابغاكم) ?(?:تراسل|تراسلي|تراسلني|تراسلوني|تراسلونا|تراسلوا|تراسلو|مراسلتي|تزعج|تزعجني|تزعجوني|تزعجونا|تزعجوا|ازعاجي|تتواصل|تتواصلوا|تتواصلو|تتواصل معي|التواصل معي|تكلموني|تكلمني|تتصل|تتصلوا|تتصلو|تتصل بي|تتصلوا بي|تتصلو علي|تتصلوا علي|تدقوا علي|تدق علي)${E}`)],
  ['dont_want', nre(`${B}(?:ما|مش|مو|مب|لا|مابي|مابغي|ماابي|ماني)\\s?(?:ابي|ابغي|ابغا|ابا|اريد|عايز|عاوز|عايزه|عاوزه|بدي|حاب|حابه|ودي|بغيت|محتاج|محتاجه|يهمني|مهتم|مهتمه)(?: \\p{L}+){0,2} (?:${MSG_AR}|${CONTACT_AR}|اشتراك|الاشتراك|منكم شي|منكم حاجه|منكم اي شي)${E}`)],
  ['remove_me', nre(`${B}(?:[وف])?(?:شيل|شيلوا|شيلو|شيلي|احذف|احذفوا|احذفو|احذفي|امسح|امسحوا|امسحو|امسحي|اشطب|اشطبوا|اشطبو|طلع|طلعوا|طلعو|ازيل|ازيلوا|الغوا|الغي|ازالة|حذف|مسح|شطب)(?: (?:لو سمحت|من فضلك|ارجوك))? (?:رقمي|رقم جوالي|رقم تلفوني|اسمي|بياناتي|رقمي هذا|هذا الرقم|جوالي|نمرتي)${E}`)],
  ['remove_me', nre(`${B}(?:[وف])?(?:شيل|شيلو|احذف|احذفو|امسح|امسحو|اشطب|اشطبو|طلع|طلعو)(?:ن|ني|وني|يني)(?: (?:لو سمحت|من فضلك))? (?:من|عن) (?:القايمه|القائمه|قايمتكم|قائمتكم|قايمه|الليسته|اللسته|ليستتكم|عندكم|القروب|الجروب|البرودكاست|قايمه الارسال|النظام|المجموعه|الرسايل|قايمه الرسايل|الاشتراك|${MSG_AR})${E}`)],
  ['remove_me', nre(`${B}(?:شيل|احذف|امسح|اشطب|طلع)(?:وا|و|ي)? (?:رقمي|اسمي) (?:من|عن)${E}`)],
  // Arabizi
  ['stop_messages', nre(`${B}(?:wa2ef|wa2fo|wa2fu|wa2fi|khalas|5alas|kfaya|kefaya|kifaya|bala|battal|batlo|battlo|stop) (?:el |al |l )?(?:rasayel|rasail|rsayel|rasa2el|msgs|messages|i3lanat|e3lanat|3orood)${E}`)],
  ['dont_want', nre(`${B}(?:ma|mesh|msh|mish|mo|mb|mu)\\s?(?:abi|abgha|ab8a|abga|baddi|badi|bdi|3ayez|3awz|3ayz|3ayza|7abb|7ab)(?: (?:ay|any|el|al))* (?:rasayel|rasail|rsayel|rasa2el|msgs|messages|i3lanat|e3lanat|3orood)${E}`)],
  ['dont_send', nre(`${B}(?:la|ma|bala|balash) (?:t[ie]rs[ie]l|tb3at|t[ie]b3at|t[ie]ba3t|t[ie]b3[ao]t|trasl|t[ie]rasl|tkalem|tetasal|tetsel|tz3j|tez3ej)[\\p{L}\\p{N}]*(?: (?:li|lia|liya|lya|ay|eshi|shi|tani|thani|marra|ba3d|abadan|please|pls))*(?: (?:rasayel|rasail|rsayel|rasa2el|messages|msgs|i3lanat|e3lanat|3orood))?(?: (?:tani|thani|ba3d kda|abadan|please|pls))*$`)],
  // Other languages
  ['dont_send', nre(`${B}(?:no me (?:envien|envies|manden|mandes|escriban|contacten) mas|no mas mensajes|ne plus recevoir|ne m envoyez plus|nao (?:me )?(?:envie|mande|enviem|mandem) mais|nao quero (?:mais )?(?:receber|mensagens)|keine nachrichten mehr|keine werbung|mesaj (?:atmayin|gondermeyin)|jangan kirim|jangan hubungi)${E}`)],
  ['unsubscribe', nre(`${B}(?:darme de baja|dar de baja|cancelar (?:la )?suscripcion|desuscribir|desabonner|me desabonner|desinscrire|descadastrar|cancelar inscricao|abmelden|abbestellen|abonelikten cik|berhenti langganan)${E}`)],
];

/** Guards: if one of these matches, the phrase evidence is not an opt-out. */
const NEGATIONS: RegExp[] = [
  // "I don't want to unsubscribe", "why did you unsubscribe me", "don't remove me"
  nre(`${B}(?:dont|do not|didnt|did not|never|not|wont|no need to|why did you|why was i|why am i)(?: (?:want|wana|mean|need|try|trying))?(?: to)? (?:unsubscribe|unsub|opt out|remove me|stop sending)${E}`),
  // "ليش ما ترسلون لي رسالة تأكيد؟", "why don't you text me back?": asking for messages, not refusing them.
  nre(`${B}(?:ليش|ليه|لماذا|لمذا|متى|امتى|ايش فيكم|why|how come)(?: \\p{L}+)? (?:ما|مش|مو|لا|لم|dont|didnt|do not|did not|havent|wont|arent|isnt|no one|nobody) ?(?:\\p{L}+ )?(?:ترسل|ترسلون|ترسلوا|ترسلو|تبعت|تبعتو|تبعتوا|تراسل|تراسلون|وصلت|توصل|send|sent|message|text|reply|answer|contact)`),
  nre(`${B}(?:لا|ما|مش|مو|ليش|ليه) (?:تلغي|تلغوا|تلغو|تحذف|تحذفوا|تشيل|تشيلوا|الغيتوا|حذفتوا|شلتوا) (?:اشتراكي|الاشتراك|رقمي)${E}`),
];

// Reasons given after a bare "STOP": the buyer never agreed to be contacted or is annoyed.
const NO_CONSENT = nre(
  `${B}(?:my number|my phone|my contact|signed up|sign up|subscribed|subscribe|not interested|who are you|dont know you|do not know you|how did you get|spam|spamming|annoying|annoyed|harass\\p{L}*|رقمي|رقم جوالي|اشتركت|مشترك|ما اعرفكم|ما اعرفك|مين انتم|مين انت|من انتم|مو مهتم|مش مهتم|ما يهمني|ازعاج|مزعج|مزعجين|ازعجتوني|سبام)${E}`,
);

const ascii = (k: string) => (/^[a-z ]+$/.test(k) ? k.split(' ')[0]! : 'keyword');

// Order context: "لا ترسل الطلب", "don't send the order yet" are order changes, not opt-outs.
const ORDER_OBJECT = nre(
  `${B}(?:order|package|parcel|item|items|product|delivery|shipment|courier|driver|الطلب|طلبي|الاوردر|اوردر|الشحنه|المنتج|البضاعه|المندوب|الطرد|الغرض|القطعه|الحبه|الفاتوره|السواق|الكابتن|العنوان|الصور|صور|الصوره|اللوكيشن|الموقع|الرابط|التفاصيل|الكتالوج|photos|pictures|pics|invoice|receipt|link|catalog|details|location)${E}`,
);

export interface OptOutResult {
  optOut: boolean;
  signal: string | null;
}

/** Decides whether the normalised message asks to stop receiving messages. */
export function detectOptOut(norm: string, firstSentence?: string): OptOutResult {
  if (norm === '') return { optOut: false, signal: null };
  // Whole message: keyword with only politeness around it.
  const toks = squeezeRepeats(norm).split(' ');
  const core = toks.filter((t) => !FILLER.has(t)).join(' ');
  if (WHOLE_KEYWORDS.has(core) && !(AMBIGUOUS_ALONE.has(core) && toks.some((t) => OBJECT_PRONOUNS.has(t)))) {
    return { optOut: true, signal: `opt_out:${ascii(core)}` };
  }
  // Also with fillers made of two words ("لو سمحت", "thank you") removed above token by token;
  // and repeated keyword ("stop stop stop").
  const uniq = [...new Set(core.split(' '))].join(' ');
  if (uniq !== core && WHOLE_KEYWORDS.has(uniq)) return { optOut: true, signal: `opt_out:${ascii(uniq)}` };

  // "STOP. I never gave you my number", "وقف. انا ما عطيتكم رقمي": the keyword, then why.
  if (firstSentence !== undefined) {
    const firstCore = squeezeRepeats(normalizeForMatch(firstSentence))
      .split(' ')
      .filter((t) => t !== '' && !FILLER.has(t))
      .join(' ');
    if (WHOLE_KEYWORDS.has(firstCore) && !AMBIGUOUS_ALONE.has(firstCore) && NO_CONSENT.test(norm)) {
      return { optOut: true, signal: `opt_out:${ascii(firstCore)}` };
    }
  }

  for (const re of NEGATIONS) if (re.test(norm)) return { optOut: false, signal: null };
  for (const [name, re] of PHRASES) {
    if (!re.test(norm)) continue;
    if ((name === 'dont_send' || name === 'stop_messages') && ORDER_OBJECT.test(norm) && !hasMessageWord(norm)) continue;
    return { optOut: true, signal: `opt_out:${name}` };
  }
  return { optOut: false, signal: null };
}

const MESSAGE_WORD = nre(`${B}(?:${MSG_EN.replace('|these|this|them|all this|al this|al of this|anything', '')}|${MSG_AR})${E}`);
function hasMessageWord(norm: string): boolean {
  return MESSAGE_WORD.test(norm);
}
