// The built-in knowledge-base matcher: which entry answers a buyer's message, with a confidence,
// or none. Precision first: a wrong answer is worse than none (a buyer asking about a broken
// delivery must never get the opening hours).
//
// How it matches, on the classifier's normalisation (Arabic folded, digits in ASCII, Arabizi):
//  - every message and example question becomes a set of features: topic concepts (hours,
//    location, delivery, price, payment, warranty, returns, assembly, stock, order, contact,
//    discount) found by a small trilingual lexicon, and content words (stop words dropped, light
//    stemming), weighted by how rare they are in the knowledge base;
//  - an entry's score is the best weighted overlap (Dice) of the message with one of its
//    questions, and only counts when the topics agree both ways: the message asks nothing the
//    entry does not cover, and the question's topics are all in the message;
//  - the confidence is that score, lowered when a second entry comes close (ambiguity) and when
//    the message names things (a product) that no example question mentions.
// Guards before any matching: complaints, opt-outs, urgent messages, orders, spam, greetings and
// thanks get nothing; a price or stock question about something no entry covers gets nothing.
//
// Pure and deterministic: bundled into workflow code and behind `npm run --silent answer`.
import type { KnowledgeEntry } from '../../domain/knowledge.js';
import { normalizeForMatch, tokens as splitTokens } from '../../domain/normalize.js';
import type { Classification } from './classify/types.js';

export interface AnswerMatch {
  /** The entry that answers, or null. */
  entryId: string | null;
  /** 0..1: how sure the matcher is that this entry answers the whole message. */
  confidence: number;
  /** The buyer's language (the classifier's). */
  language: string;
  /** The entry's answer in the buyer's language, when it has one. */
  answer?: string;
  reason: string;
}

/** The default `automation.answer.minConfidence`: at it, the labelled sets' precision is 100%. */
export const DEFAULT_MIN_CONFIDENCE = 0.6;

// --- the lexicon: surface forms (normalised: Arabic folded, lowercase) -> topic concept ---

type Topic =
  | 'hours'
  | 'location'
  | 'delivery'
  | 'price'
  | 'payment'
  | 'warranty'
  | 'returns'
  | 'assembly'
  | 'stock'
  | 'order'
  | 'contact'
  | 'discount'
  | 'pickup'
  | 'online';

/** Multi-word phrases first (replaced by their topics, or by nothing, before single words are read). */
const PHRASES: Array<[string, Topic[]]> = [
  // A duration is not a price ("how long is the warranty", "كم مدة الضمان", "كم ياخذ التوصيل").
  ['how long', []],
  ['how much time', []],
  ['how many years', []],
  ['how many days', []],
  ['how many', []],
  ['كم مده', []],
  ['مده', []],
  ['كم سنه', []],
  ['كم يوم', []],
  ['كم ياخذ', []],
  ['كم تاخذ', []],
  ['kam yom', []],
  ['kam youm', []],
  ['kam yoom', []],
  // Arabizi "is there" (fee tawseel?) is not a fee.
  ['fee tawseel', ['delivery']],
  ['fi tawseel', ['delivery']],
  ['delivery fee', ['delivery', 'price']],
  ['delivery fees', ['delivery', 'price']],
  ['delivery charge', ['delivery', 'price']],
  ['shipping fee', ['delivery', 'price']],
  // The buyer's own order, shipment or driver: a person looks it up.
  ['my order', ['order']],
  ['my orders', ['order']],
  ['our order', ['order']],
  ['the order', ['order']],
  ['to order', ['order']],
  ['order number', ['order']],
  ['delivery guy', ['order']],
  ['delivery man', ['order']],
  ['new address', ['order']],
  ['الي طلبته', ['order']],
  ['اللي طلبته', ['order']],
  // Coming back to the shop is a visit, not a return of goods.
  ['return to the', []],
  ['return to your', []],
  ['come back', []],
  ['how much', ['price']],
  ['what time', ['hours']],
  ['working hours', ['hours']],
  ['opening hours', ['hours']],
  ['business hours', ['hours']],
  ['cash on delivery', ['payment']],
  ['pay on delivery', ['payment']],
  ['apple pay', ['payment']],
  ['in stock', ['stock']],
  ['phone number', ['contact']],
  ['where are you', ['location']],
  ['where r u', ['location']],
  ['الدفع عند الاستلام', ['payment']],
  ['عند الاستلام', ['payment']],
  ['الساعه كم', ['hours']],
  ['كم الساعه', ['hours']],
  ['ساعات العمل', ['hours']],
  ['مواعيد العمل', ['hours']],
  ['b kam', ['price']],
  ['ala kam', ['price']],
];

/** "where" asks for the shop only when nothing else is named ("where is the invoice" is not the address). */
const WHERE = new Set(['where', 'وين', 'فين', 'اين', 'wen', 'wein', 'wain', 'fen', 'kahan']);
/** The shop's own nouns: its location unless another topic is asked ("when does the showroom open" is hours). */
/** "when ... arrive/deliver" asks about a delivery under way, not the delivery areas. */
const WHEN = new Set(['when', 'متى', 'امتى', 'mata', 'emta', 'imta', 'kab']);
/** A negation before a topic ("I don't need delivery"): the matcher does not guess what is meant. */
const NEGATION = new Set(['dont', 'not', 'no', 'never', 'without', 'مو', 'مش', 'مب', 'مابي', 'مابغى', 'ماابي', 'mish', 'mo', 'mesh', 'nahi', 'nahin']);
const SHOP = new Set(['shop', 'store', 'showroom', 'محل', 'المحل', 'معرض', 'المعرض', 'وينكم', 'فينكم', 'مكانكم', 'ma7al', 'mahal', 'm7al', 'ma3rad', 'ma3rd']);
/** Words that make a message about the buyer's own order, shipment or purchase. */
const OWN = new Set([
  'mine', 'ordered', 'bought', 'purchased', 'arrive', 'arrives', 'arriving', 'arrival', 'arrived', 'dispatched', 'shipped', 'driver', 'invoice', 'receipt', 'ticket',
  'cancel', 'change', 'reschedule', 'instead', 'tracking', 'track', 'parcel', 'package', 'shipment',
  'طلبي', 'طلبيتي', 'طلبته', 'طلبتها', 'اشتريته', 'اشتريتها', 'الاوردر', 'اوردر', 'الاوردر', 'شحنتي', 'الشحنه', 'شحنه', 'المندوب', 'مندوب', 'السواق', 'فاتوره', 'الفاتوره', 'الغاء', 'الغي', 'حقي', 'بتاعي', 'تبعي',
  'order', 'talabi', 'mandoob', 'mandob', 'sha7na', 'shahna', 'ta3i', '7agi', '7aggi', 'betaa3i',
]);
/** "my ..." is about the buyer's own purchase unless it names one of these ("deliver to my home", "pay with my card"). */
const MY = new Set(['my', 'mera', 'meri', 'mere']);
const MY_GENERIC = new Set(['home', 'house', 'city', 'town', 'place', 'area', 'address', 'family', 'friend', 'card', 'phone', 'number', 'wife', 'husband', 'kids', 'office', 'work', 'apartment', 'flat', 'villa', 'mind', 'own']);
/** Cities and regions a delivery question names (never a product). */
const PLACES = new Set(
  (
    'city riyadh riyad jeddah jedda jiddah dammam khobar mecca makkah makka medina madinah madina taif abha tabuk qassim buraidah buraydah hail jazan jizan najran yanbu jubail ahsa hofuf dhahran qatif khamis ' +
    'dubai abu dhabi sharjah ajman doha kuwait manama bahrain muscat oman cairo alexandria iskandaria giza amman beirut ' +
    'مدينه مدينتي الرياض رياض جده جدة الدمام دمام الخبر خبر مكه المدينه الطايف طايف الطائف ابها تبوك القصيم بريده حايل جازان نجران ينبع الجبيل الاحساء الظهران القطيف خميس ' +
    'دبي ابوظبي الشارقه الدوحه الكويت البحرين المنامه مسقط عمان القاهره الاسكندريه اسكندريه لاسكندريه الجيزه بيروت'
  ).split(' '),
);

const WORDS: Record<Topic, string[]> = {
  hours: [
    'open', 'opens', 'opening', 'opened', 'close', 'closes', 'closing', 'closed', 'hours', 'timing', 'timings', 'schedule',
    'دوام', 'دوامكم', 'الدوام', 'ساعات', 'تفتحون', 'تفتح', 'يفتح', 'تفتحو', 'فاتحين', 'مفتوح', 'مفتوحين', 'تسكرون', 'تسكر', 'تقفلون', 'تغلقون', 'يغلق', 'مواعيد', 'مواعيدكم',
    'khulti', 'khulta', 'khulega', 'dawam', 'dawamkom', 'tftahoon', 'tiftahoon', 'tftah', 'fat7in', 'fatheen', 'maw3eed',
  ],
  location: [
    // "where" asks for a place (an order's whereabouts is caught by the order topic first); the
    // shop's own nouns (shop, showroom, محل) are plain words: "when does the showroom open" is hours.
    'location', 'located', 'address', 'branch', 'branches', 'map', 'directions',
    'موقع', 'موقعكم', 'عنوان', 'عنوانكم', 'مكان', 'فرع', 'فروع', 'فرعكم', 'لوكيشن', 'اللوكيشن', 'خريطه', 'الخريطه',
    'lokation', 'lokeshn', 'makan', 'makankom', 'far3', 'mawqe3', '3nwan', 'enwan',
  ],
  delivery: [
    'deliver', 'delivers', 'delivery', 'deliveries', 'delivering', 'ship', 'ships', 'shipping', 'shipment', 'courier',
    'توصيل', 'التوصيل', 'توصلون', 'توصلو', 'بتوصلوا', 'بتوصلو', 'يوصل', 'توصل', 'شحن', 'الشحن', 'تشحنون', 'دليفري', 'الدليفري',
    'tawseel', 'taw9eel', 'twseel', 'tawsil', 'towseel', 'shahn', 'sha7n', 'tewasloon', 'twasloon',
  ],
  price: [
    'price', 'prices', 'pricing', 'cost', 'costs', 'fee', 'fees', 'charge', 'charges', 'free',
    'كم', 'سعر', 'السعر', 'اسعار', 'الاسعار', 'بكم', 'بكام', 'تكلفه', 'رسوم', 'مجاني', 'مجانا', 'ببلاش', 'بلاش',
    'فلوس', 'بفلوس', 'kam', 'bkam', 'se3r', 'si3r', 'sa3r', 'as3ar', 'majani', 'balash',
  ],
  payment: [
    'pay', 'paying', 'payment', 'payments', 'cash', 'card', 'cards', 'visa', 'mastercard', 'mada', 'installment', 'installments', 'instalments', 'tabby', 'tamara', 'cod',
    'دفع', 'الدفع', 'ادفع', 'كاش', 'نقدا', 'نقد', 'بطاقه', 'البطاقه', 'بالبطاقه', 'فيزا', 'مدى', 'مدي', 'تقسيط', 'تابي', 'تمارا',
    'daf3', 'adfa3', 'kash', 'taqseet',
  ],
  warranty: ['warranty', 'warranties', 'guarantee', 'guaranteed', 'ضمان', 'الضمان', 'كفاله', 'daman', 'dhaman', 'kafala'],
  returns: [
    'return', 'returns', 'returning', 'refund', 'refunds', 'exchange', 'exchanges',
    'استرجاع', 'ارجاع', 'استبدال', 'الاستبدال', 'الاسترجاع', 'ارجع', 'ارجعه', 'ارجعها', 'استبدل', 'ترجيع', 'ابدل',
    'irja3', 'erja3', 'estirja3', 'tabdeel', 'arja3',
  ],
  assembly: ['assembly', 'assemble', 'assembled', 'installation', 'install', 'تركيب', 'التركيب', 'تركبون', 'تركب', 'tarkeeb', 'tarkib'],
  stock: ['stock', 'available', 'availability', 'متوفر', 'متوفره', 'موجود', 'موجوده', 'متاح', 'mtwafer', 'mawjood', 'mawjod'],
  // "order" alone is a plain word ("free shipping for big orders"); a buyer's own order is caught
  // by the phrases above, by tracking words, and by "order" next to a number.
  order: ['اطلب', 'الطلب', 'طلبيه'],
  contact: ['call', 'email', 'contact', 'whatsapp', 'رقم', 'تواصل', 'اتصال', 'ايميل'],
  pickup: ['pick', 'pickup', 'collect', 'collection', 'استلم', 'استلامه', 'استلمه', 'اجي اخذ', 'اخذه'],
  online: ['app', 'application', 'website', 'site', 'online', 'link', 'instagram', 'تطبيق', 'التطبيق', 'موقعكم الالكتروني', 'الموقع الالكتروني', 'اونلاين', 'رابط', 'انستقرام'],
  discount: ['discount', 'discounts', 'coupon', 'promo', 'offer', 'offers', 'sale', 'خصم', 'خصومات', 'كوبون', 'عرض', 'عروض', 'تخفيضات', 'khasm'],
};


const SERVICES = new Set<Topic>(['hours', 'location', 'delivery', 'payment', 'warranty', 'returns', 'assembly']);

const CONCEPT_OF = new Map<string, Topic>();
for (const [topic, words] of Object.entries(WORDS) as Array<[Topic, string[]]>) for (const w of words) CONCEPT_OF.set(w, topic);

/** Words that carry no topic of their own, English, Arabic and Arabizi. */
const STOP = new Set(
  (
    'a an the is are am was were be been do does did doing done you your yours u ur i im me my we us our it its this that these those to of in on at for from with and or ' +
    'can could would will shall should may might please pls plz hi hello hey dear sir madam there here what whats which who whom whose how when why any some ' +
    'have has had get got tell know want like need also just about then than so if not no yes ok okay thanks thank much many more tomorrow today now tonight ' +
    'dont cant wont doesnt didnt isnt arent send give let exactly still really up big small large every any also even too find orders above over under minimum purchase ' +
    'tonight today tomorrow take possible guys good morning evening afternoon on during usually normally generally ' +
    'الحين الان اليوم بكره ينفع ممكن يصير صباح الخير مساء ' +
    'el al lel il wla wala ولا kya aap hai hain karte karein kaise kitne lete ka ki ke ko se hum mujhe ' +
    'هل في من على الى الي عن مع انا انت انتم انتو احنا نحن هذا هذه ذلك هو هي او و يا لو سمحت ممكن اقدر نقدر ابغى ابي ابغي بغيت عندكم عندك فيه فيه يوجد في وش ايش شو ماذا ما متى كيف ليش لماذا ' +
    'السلام عليكم مرحبا اهلا هلا شكرا الله يعطيك العافيه بالضبط لي لنا ارسل ارسلي ابعث ابعتلي اذا لا ' +
    'hal fe fi fee min ana enta antum ento e7na ya law mmkn momken abi abgha 3ndkom 3andkom wesh wsh esh shu mata emta kaif kef leh'
  ).split(' '),
);

/** Light stemming: English plurals and verb endings; Arabic article and clitics (folded letters). */
function stem(w: string): string {
  if (/^[a-z0-9]+$/.test(w)) {
    if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
    if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
    if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
    if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
    return w;
  }
  let s = w;
  for (const p of ['وال', 'بال', 'فال', 'كال', 'لل', 'ال']) {
    if (s.startsWith(p) && s.length - p.length >= 3) {
      s = s.slice(p.length);
      break;
    }
  }
  if (s.length >= 5 && (s.startsWith('و') || s.startsWith('ف') || s.startsWith('ب'))) s = s.slice(1);
  for (const suf of ['كم', 'ها', 'هم', 'نا', 'ات', 'ين', 'ون', 'ه', 'ي']) {
    if (s.endsWith(suf) && s.length - suf.length >= 3) {
      s = s.slice(0, -suf.length);
      break;
    }
  }
  return s;
}

interface Features {
  topics: Set<Topic>;
  /** Content words (stemmed), no stop words, no topic words, no places. */
  words: Set<string>;
  /** Words that make it about the buyer's own order (caught before matching). */
  own: string[];
  /** "available"/"in stock" was said (before a service topic took the message over). */
  stockAsked: boolean;
  /** A topic word right after a negation ("I don't need delivery"). */
  negated: boolean;
}

/** The features of a text (a message or an example question). */
export function features(text: string): Features {
  let norm = ` ${normalizeForMatch(text)} `;
  const topics = new Set<Topic>();
  for (const [phrase, found] of PHRASES) {
    const at = ` ${phrase} `;
    if (norm.includes(at)) {
      for (const t of found) topics.add(t);
      norm = norm.split(at).join(' ');
    }
  }
  if (/ (order|orders|طلب|طلبيه) #?\d+ /.test(norm) || / \d+ (order|طلب) /.test(norm)) topics.add('order');
  const words = new Set<string>();
  const own: string[] = [];
  let where = false;
  let shop = false;
  let when = false;
  let prev = '';
  let negatedAt = -10;
  let negated = false;
  let i = -1;
  for (const raw of splitTokens(norm.trim())) {
    i++;
    if (NEGATION.has(raw)) negatedAt = i;
    if (WHEN.has(raw)) when = true;
    if (OWN.has(raw)) own.push(raw);
    if (MY.has(prev) && !MY_GENERIC.has(raw) && !PLACES.has(raw) && !STOP.has(raw) && !(CONCEPT_OF.get(raw) && CONCEPT_OF.get(raw) !== 'delivery')) own.push(`${prev} ${raw}`);
    prev = raw;
    if (WHERE.has(raw)) {
      where = true;
      continue;
    }
    if (SHOP.has(raw)) {
      shop = true;
      // One word for the shop, whatever it is called (store, showroom, المعرض...).
      words.add('shop');
      continue;
    }
    const t = CONCEPT_OF.get(raw) ?? CONCEPT_OF.get(stem(raw)) ?? (raw.length > 3 && raw.startsWith('و') ? CONCEPT_OF.get(raw.slice(1)) : undefined);
    if (t) {
      topics.add(t);
      if (i - negatedAt <= 3) negated = true;
      continue;
    }
    if (STOP.has(raw) || OWN.has(raw) || /^\d+$/.test(raw) || raw.length < 2) continue;
    // A city ("to Abha", "لجدة") is where, never what: it does not count as a product.
    if (PLACES.has(raw) || (raw.length > 3 && raw.startsWith('ل') && PLACES.has(raw.slice(1))) || (raw.startsWith('لل') && PLACES.has(`ال${raw.slice(2)}`))) continue;
    words.add(stem(raw));
  }
  const stockAsked = topics.has('stock');
  if (when && topics.has('delivery')) own.push('when ... deliver');
  // "where" asks for a place: with another topic too (two questions), alone only when it names
  // nothing else ("where is the fabric from" is not the address). The shop's nouns mean its location
  // only when nothing else is asked ("when does the showroom open" is hours).
  if (where && (topics.size > 0 || [...words].every((w) => SHOP_STEMS.has(w)))) topics.add('location');
  else if (shop && topics.size === 0) topics.add('location');
  // "available" with a service (is cash on delivery available?) is about the service, not stock.
  if (topics.has('stock') && [...topics].some((t) => SERVICES.has(t))) topics.delete('stock');
  return { topics, words, own, stockAsked, negated };
}

const SHOP_STEMS = new Set(['shop']);

const TOPIC_WEIGHT = 3;

interface PreparedEntry {
  entry: KnowledgeEntry;
  questions: Features[];
  topics: Set<Topic>;
}

/** The knowledge base prepared once for many messages (its word rarities). */
export interface PreparedKnowledge {
  entries: PreparedEntry[];
  idf: Map<string, number>;
  vocabulary: Set<string>;
  unknownWeight: number;
}

export function prepareKnowledge(entries: readonly KnowledgeEntry[]): PreparedKnowledge {
  const prepared = entries.map((entry) => {
    const questions = entry.questions.map(features);
    const topics = new Set<Topic>(questions.flatMap((q) => [...q.topics]));
    return { entry, questions, topics };
  });
  const df = new Map<string, number>();
  let n = 0;
  for (const e of prepared)
    for (const q of e.questions) {
      n++;
      for (const w of q.words) df.set(w, (df.get(w) ?? 0) + 1);
    }
  const idf = new Map<string, number>();
  for (const [w, d] of df) idf.set(w, Math.max(0.5, Math.log(1 + n / d)));
  // A word the knowledge base never uses (a city, a product) weighs like its rarest word but less
  // than a topic: it dilutes the match without swamping it (the product guard handles prices).
  const unknownWeight = Math.min(TOPIC_WEIGHT * 0.6, Math.max(1, ...idf.values()));
  return { entries: prepared, idf, vocabulary: new Set(df.keys()), unknownWeight };
}

/** A word's weight: rare words in the knowledge base weigh more. */
function weight(k: PreparedKnowledge, w: string): number {
  return k.idf.get(w) ?? k.unknownWeight;
}

/**
 * How well a question matches the message: mostly whether they ask about the same topics, then
 * how many of the knowledge base's own words they share (words it never uses are left out of the
 * overlap and cost a little each: a city in "do you deliver to Abha" barely matters).
 */
function overlap(k: PreparedKnowledge, m: Features, q: Features): number {
  if (m.topics.size === 0 && q.topics.size > 0) return 0;
  let shared = 0;
  for (const t of q.topics) if (m.topics.has(t)) shared++;
  const topicScore = m.topics.size === 0 ? 0 : shared / Math.max(m.topics.size, q.topics.size);
  let inter = 0;
  let wm = 0;
  let wq = 0;
  let unknown = 0;
  for (const w of m.words) {
    // Named in the message and not in this question: it dilutes the match (a product, a thing,
    // or another entry's word).
    if (!q.words.has(w)) unknown++;
    if (!k.vocabulary.has(w)) {
      wm += 1;
      continue;
    }
    wm += weight(k, w);
  }
  for (const w of q.words) {
    const x = weight(k, w);
    wq += x;
    if (m.words.has(w)) inter += x;
  }
  // Nothing named beyond the topic: a full match on a bare question, a good one on a longer one.
  const wordScore = wm === 0 ? (wq === 0 ? 1 : 0.6) : wq === 0 ? 0 : (2 * inter) / (wm + wq);
  const score = m.topics.size === 0 ? 0.8 * wordScore : TOPIC_SHARE * topicScore + (1 - TOPIC_SHARE) * wordScore;
  return Math.max(0, score - Math.min(0.16, 0.04 * unknown));
}

/** How much of a match is the topics agreeing (the rest: shared words). */
const TOPIC_SHARE = 0.65;

/**
 * Dissatisfaction the classifier may not call a complaint ("useless", "never came", "ما جا"): a
 * message carrying any of these gets no automated answer, whatever it matches.
 */
const UNHAPPY = [
  'useless', 'refused', 'rude', 'never came', 'never arrived', 'didnt arrive', 'didnt come', 'not arrived', 'still waiting', 'waiting since', 'days late', 'was late', 'is late', 'so late', 'delayed',
  'unacceptable', 'terrible', 'worst', 'broken', 'damaged', 'scam', 'disappointed', 'angry', 'not happy', 'complain', 'complaint',
  'ما له فايده', 'مالها فايده', 'رفضتوا', 'رفضتو', 'رفضوا', 'ما جا', 'ما وصل', 'ماوصل', 'ما وصلت', 'ماجا', 'انتظر من', 'متاخر', 'تاخر', 'تاخير', 'سيء', 'سيئه', 'زفت',
  'مكسور', 'مكسوره', 'خربان', 'نصب', 'حرامي', 'شكوى', 'زعلان', 'مو راضي',
  'slow', 'expensive', 'overpriced', 'hate', 'promised', 'charged me', 'charge me', 'charged', 'snapped', 'scratched', 'scratch', 'dent', 'dented', 'defective', 'faulty',
  'didnt cover', 'doesnt cover', 'doesnt work', 'not working', 'never showed', 'never open', 'always closed', 'for nothing', 'mess', 'waste', 'ridiculous', 'joke', 'lied', 'liar',
  'why', 'ليش', 'لماذا', 'ليه', 'leh', 'lesh', 'laish', 'lish',
  'بطيء', 'بطي', 'غالي', 'غاليه', 'ما ينفع', 'ماينفع', 'بدون تركيب', 'خايس', 'ما ركب', 'ما ركبوا', 'كسر', 'انكسر', 'خدش', 'مخدوش', 'وعدتوني', 'وعدتونا', 'ما وصلني', 'ماوصلني', 'خربت', 'تعبان',
  'wa9al', 'ma wasal', 'ma ja', 'ma wasalni', 'toot', 'kharab', 'ghali',
].map((p) => ` ${p} `);

const NEVER: Record<string, string> = {
  complaint: 'a complaint: a person answers it',
  opt_out: 'an opt-out: nothing is sent',
  spam: 'spam: nothing is sent',
  acknowledgment: 'an acknowledgement: nothing to answer',
  greeting: 'a greeting only: nothing to answer',
};

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The best entry for one message, or none. `classification` is the classifier's reading of the
 * same text (its intent, urgency, opt-out and language guard the answer).
 */
export function matchAnswer(text: string | null, classification: Classification, knowledge: PreparedKnowledge): AnswerMatch {
  const language = classification.language;
  const none = (reason: string, confidence = 0): AnswerMatch => ({ entryId: null, confidence: round(confidence), language, reason });
  if (!text || !text.trim()) return none('no text to answer');
  if (classification.optOut) return none(NEVER.opt_out!);
  if (NEVER[classification.intent]) return none(NEVER[classification.intent]!);
  if (classification.urgency === 'urgent') return none('urgent: a person answers it');
  if (knowledge.entries.length === 0) return none('the knowledge base is empty');
  const padded = ` ${normalizeForMatch(text)} `;
  const unhappy = UNHAPPY.find((p) => padded.includes(p)) ?? (/!{2,}|\?{3,}/.test(text) ? '!!' : undefined);
  if (unhappy) return none(`sounds unhappy or asks why ("${unhappy.trim()}"): a person answers it`);
  const m = features(text);
  if (m.topics.size === 0 && m.words.size === 0) return none('nothing to match');
  if (m.negated) return none('a negation next to what it asks: a person reads it');
  if (m.topics.has('order') || m.own.length > 0) return none(`about the buyer's own order${m.own.length ? ` ("${m.own[0]}")` : ''}: a person looks it up`);

  // Things named that no example question mentions: for a price or stock question, a product.
  const unknown = [...m.words].filter((w) => !knowledge.vocabulary.has(w));
  // (Whatever else it asks: "how much is the sofa with delivery" is the sofa's price.)
  if (unknown.length > 0 && (m.topics.has('price') || m.stockAsked)) {
    return none(`a price or stock question about ${unknown.slice(0, 3).join(', ')}, which no entry covers`);
  }

  const scored: Array<{ e: PreparedEntry; score: number }> = [];
  for (const e of knowledge.entries) {
    // The message asks nothing the entry does not cover.
    if ([...m.topics].some((t) => !e.topics.has(t))) continue;
    let best = 0;
    for (const q of e.questions) {
      // The question's topics are all in the message (shipping's price is not a sofa's price).
      if ([...q.topics].some((t) => !m.topics.has(t))) continue;
      best = Math.max(best, overlap(knowledge, m, q));
    }
    if (best > 0) scored.push({ e, score: best });
  }
  scored.sort((a, b) => b.score - a.score);
  const top = scored[0];
  if (!top) {
    const asked = [...m.topics].join(', ');
    return none(asked ? `no entry covers ${asked}` : 'no entry matches');
  }
  let confidence = top.score;
  const why: string[] = [`best question overlap ${round(top.score)}`];
  const second = scored[1];
  if (second) {
    const ratio = second.score / top.score;
    if (ratio > 0.6) {
      confidence *= 1 - 0.5 * (ratio - 0.6) / 0.4;
      why.push(`entry ${second.e.entry.id} close behind (${round(second.score)})`);
    }
  }
  if (m.topics.size === 0) {
    confidence *= 0.7;
    why.push('no topic word, only shared words');
  }
  confidence = Math.max(0, Math.min(1, confidence));
  const lang = language.toLowerCase().split('-')[0]!;
  const answer = top.e.entry.answer[lang];
  return {
    entryId: top.e.entry.id,
    confidence: round(confidence),
    language,
    ...(answer ? { answer } : {}),
    reason: `${why.join('; ')}${answer ? '' : `; the entry has no ${language} answer`}`,
  };
}

// --- the turn's guard: which of a burst's matches go out as automated answers ---

export interface BurstAnswerItem {
  waMessageId: string;
  classification: Classification;
  answer?: AnswerMatch;
}

export interface AutomatedAnswer {
  waMessageId: string;
  entryId: string;
  confidence: number;
  language: string;
  text: string;
}

export interface AnswerTurnInput {
  burst: readonly BurstAnswerItem[];
  /** The rules' `automation.answer`. */
  rules: { enabled: boolean; minConfidence: number };
  /** Automation may send now (not paused, owned, snoozed, resolved, opted out). */
  maySend: boolean;
  /** Why not, when it may not (for the decision's reasons). */
  whyNot?: string;
  /** An automated answer already went out in this exchange: whatever the buyer writes now goes to a person. */
  answeredBefore: boolean;
}

/**
 * The answers a burst gets: each reply-needing message whose match clears `minConfidence` and has
 * the buyer's language, one per entry; none at all when the burst holds a complaint, an opt-out or
 * an urgent message, when automation may not send, or after an automated answer in this exchange.
 */
export function automatedAnswersFor(input: AnswerTurnInput): AnswerTurn {
  const reasons: string[] = [];
  const none = (why?: string): AnswerTurn => ({ send: [], covered: [], reasons: why ? [why] : [] });
  const candidates = input.burst.filter((b) => b.answer?.entryId);
  if (candidates.length === 0) return none();
  if (!input.rules.enabled) return none('automated answers off in the rules');
  if (!input.maySend) return none(`no automated answer: ${input.whyNot ?? 'automation may not send now'}`);
  if (input.answeredBefore) return none('the buyer wrote again after an automated answer -> a person answers, no second automated answer');
  const blocker = input.burst.find((b) => b.classification.intent === 'complaint' || b.classification.optOut || b.classification.intent === 'opt_out' || b.classification.urgency === 'urgent');
  if (blocker) {
    const what = blocker.classification.intent === 'complaint' ? 'a complaint' : blocker.classification.urgency === 'urgent' ? 'an urgent message' : 'an opt-out';
    return none(`the burst holds ${what} -> no automated answer, a person answers all of it`);
  }
  const send: AutomatedAnswer[] = [];
  const covered: string[] = [];
  const entries = new Set<string>();
  for (const b of candidates) {
    const a = b.answer!;
    if (a.confidence < input.rules.minConfidence) {
      reasons.push(`${b.waMessageId}: entry ${a.entryId} at confidence ${a.confidence} < ${input.rules.minConfidence} -> a person answers`);
      continue;
    }
    if (!a.answer) {
      reasons.push(`${b.waMessageId}: entry ${a.entryId} has no ${a.language} answer -> a person answers`);
      continue;
    }
    if (entries.has(a.entryId!)) {
      reasons.push(`${b.waMessageId}: entry ${a.entryId} answered already in this burst`);
      covered.push(b.waMessageId);
      continue;
    }
    entries.add(a.entryId!);
    send.push({ waMessageId: b.waMessageId, entryId: a.entryId!, confidence: a.confidence, language: a.language, text: a.answer });
    covered.push(b.waMessageId);
    reasons.push(`${b.waMessageId}: answered from the knowledge base, entry ${a.entryId} (confidence ${a.confidence}, ${a.language})`);
  }
  return { send, covered, reasons };
}

export interface AnswerTurn {
  /** One answer per entry, to send. */
  send: AutomatedAnswer[];
  /** Every message those answers settle (two asking the same thing: both). */
  covered: string[];
  reasons: string[];
}
