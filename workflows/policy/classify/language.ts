// Language identification for short chat messages. Pure and deterministic.
//
// Returns a BCP-47 primary language tag. Scripts decide most cases (Arabic, Hebrew, Cyrillic,
// Greek, Devanagari, CJK, Thai, ...). Within the Arabic script, Persian and Urdu are told apart
// from Arabic by their extra letters and function words. Within the Latin script, Arabizi
// (Arabic written with Latin letters and the digits 2 3 5 6 7 8 9) is 'ar'; otherwise small
// stopword lists and accented letters choose between en, es, pt, fr, de, it, nl, tr, id, ms.
// A text without letters (emoji, "?", digits) is 'und'.

import { normalizeForMatch, squeezeRepeats, tokens } from '../../../domain/normalize.js';

export interface LanguageResult {
  language: string;
  /** True when the text is Arabic written in Latin letters. */
  arabizi: boolean;
  signals: string[];
}

type ScriptName =
  | 'latin' | 'arabic' | 'hebrew' | 'cyrillic' | 'greek' | 'armenian' | 'georgian' | 'devanagari'
  | 'bengali' | 'gurmukhi' | 'gujarati' | 'oriya' | 'tamil' | 'telugu' | 'kannada' | 'malayalam'
  | 'sinhala' | 'thai' | 'lao' | 'myanmar' | 'khmer' | 'ethiopic' | 'hangul' | 'kana' | 'han'
  | 'tibetan' | 'thaana' | 'syriac';

const SCRIPT_RANGES: Array<[number, number, ScriptName]> = [
  [0x0041, 0x005a, 'latin'], [0x0061, 0x007a, 'latin'], [0x00c0, 0x024f, 'latin'], [0x1e00, 0x1eff, 'latin'],
  [0x0370, 0x03ff, 'greek'], [0x1f00, 0x1fff, 'greek'],
  [0x0400, 0x052f, 'cyrillic'],
  [0x0530, 0x058f, 'armenian'],
  [0x0590, 0x05ff, 'hebrew'], [0xfb1d, 0xfb4f, 'hebrew'],
  [0x0600, 0x06ff, 'arabic'], [0x0750, 0x077f, 'arabic'], [0x08a0, 0x08ff, 'arabic'],
  [0xfb50, 0xfdff, 'arabic'], [0xfe70, 0xfeff, 'arabic'],
  [0x0700, 0x074f, 'syriac'], [0x0780, 0x07bf, 'thaana'],
  [0x0900, 0x097f, 'devanagari'], [0x0980, 0x09ff, 'bengali'], [0x0a00, 0x0a7f, 'gurmukhi'],
  [0x0a80, 0x0aff, 'gujarati'], [0x0b00, 0x0b7f, 'oriya'], [0x0b80, 0x0bff, 'tamil'],
  [0x0c00, 0x0c7f, 'telugu'], [0x0c80, 0x0cff, 'kannada'], [0x0d00, 0x0d7f, 'malayalam'],
  [0x0d80, 0x0dff, 'sinhala'], [0x0e00, 0x0e7f, 'thai'], [0x0e80, 0x0eff, 'lao'],
  [0x0f00, 0x0fff, 'tibetan'], [0x1000, 0x109f, 'myanmar'], [0x10a0, 0x10ff, 'georgian'],
  [0x1100, 0x11ff, 'hangul'], [0x1200, 0x139f, 'ethiopic'], [0x1780, 0x17ff, 'khmer'],
  [0x3040, 0x30ff, 'kana'], [0x31f0, 0x31ff, 'kana'], [0xff66, 0xff9f, 'kana'],
  [0x3130, 0x318f, 'hangul'], [0xac00, 0xd7af, 'hangul'],
  [0x3400, 0x4dbf, 'han'], [0x4e00, 0x9fff, 'han'], [0xf900, 0xfaff, 'han'], [0x20000, 0x2ffff, 'han'],
];

function scriptOf(cp: number): ScriptName | null {
  for (const [lo, hi, name] of SCRIPT_RANGES) if (cp >= lo && cp <= hi) return name;
  return null;
}

const SCRIPT_LANGUAGE: Partial<Record<ScriptName, string>> = {
  hebrew: 'he', greek: 'el', armenian: 'hy', georgian: 'ka', devanagari: 'hi', bengali: 'bn',
  gurmukhi: 'pa', gujarati: 'gu', oriya: 'or', tamil: 'ta', telugu: 'te', kannada: 'kn',
  malayalam: 'ml', sinhala: 'si', thai: 'th', lao: 'lo', myanmar: 'my', khmer: 'km',
  ethiopic: 'am', hangul: 'ko', tibetan: 'bo', thaana: 'dv', syriac: 'syr',
};

// Arabic script: Persian and Urdu ------------------------------------------------------------

const URDU_LETTERS = /[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06d3]/g; // ٹ ڈ ڑ ں ھ ہ ے ۓ
const PERSIAN_LETTERS = /[\u067e\u0686\u0698\u06af\u06a9\u06cc]/g; // پ چ ژ گ ک ی
const PERSIAN_WORDS = new Set([
  'است', 'هست', 'نیست', 'می', 'را', 'این', 'آن', 'که', 'با', 'برای', 'از', 'به', 'من', 'شما', 'ما', 'چه',
  'چطور', 'چند', 'کجا', 'کی', 'خیلی', 'ممنون', 'مرسی', 'سلام', 'خوب', 'هستید', 'میخواهم', 'میخوام', 'دارید',
  'قیمت', 'سفارش', 'لطفا', 'بله', 'نه', 'چرا', 'هم', 'یک', 'تا', 'شد', 'کنید', 'کنم', 'دارم', 'ندارم',
  'نمی', 'باشه', 'آیا', 'چی', 'کن', 'بود', 'شده', 'تومان', 'ریال', 'خرید', 'ارسال', 'پیام',
]);
const URDU_WORDS = new Set([
  'ہے', 'ہیں', 'کے', 'کی', 'کا', 'میں', 'اور', 'نہیں', 'آپ', 'کیا', 'یہ', 'وہ', 'ہم', 'تھا', 'کو', 'سے',
  'پر', 'بھی', 'ہو', 'جی', 'شکریہ', 'کیسے', 'کتنے', 'کتنا', 'قیمت', 'چاہیے', 'مجھے', 'بہت', 'اچھا',
]);
const ARABIC_ONLY_LETTERS = /[\u0629\u0649\u0624\u0625]/g; // ة ى ؤ إ  (rare or absent in Persian/Urdu)
const ARABIC_FUNCTION_WORDS = new Set([
  'في', 'من', 'على', 'الى', 'إلى', 'هل', 'ما', 'لا', 'هذا', 'هذه', 'انا', 'أنا', 'انت', 'عندكم', 'كم', 'ابي',
  'ابغى', 'بدي', 'عايز', 'وين', 'فين', 'شو', 'ايش', 'ليش', 'ليه', 'كيف', 'متى', 'السلام', 'عليكم', 'مرحبا',
  'شكرا', 'لو', 'سمحت', 'يا', 'مع', 'عن', 'او', 'أو', 'اللي', 'الي', 'هو', 'هي', 'احنا', 'نحن', 'لي', 'مش',
  'مو', 'طلبي', 'الطلب', 'السعر', 'بكم', 'بكام', 'قديش', 'تمام',
]);

function arabicScriptLanguage(text: string, signals: string[]): string {
  const words = text.split(/[^\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+/).filter(Boolean);
  const urduLetters = (text.match(URDU_LETTERS) ?? []).length;
  const persianLetters = (text.match(PERSIAN_LETTERS) ?? []).length;
  let ar = (text.match(ARABIC_ONLY_LETTERS) ?? []).length;
  let fa = persianLetters;
  let ur = urduLetters * 2;
  for (const w of words) {
    if (ARABIC_FUNCTION_WORDS.has(w)) ar += 2;
    if (w.startsWith('ال') && w.length > 3) ar += 1;
    if (PERSIAN_WORDS.has(w)) fa += 2;
    if (URDU_WORDS.has(w)) ur += 2;
  }
  if (ur > 0 && ur >= fa && ur > ar) {
    signals.push('lang:ur');
    return 'ur';
  }
  if (fa > ar && (persianLetters > 0 || fa - ar >= 4)) {
    signals.push('lang:fa');
    return 'fa';
  }
  return 'ar';
}

// Latin script: Arabizi and stopwords ---------------------------------------------------------

// Words that are (almost) only Arabic written in Latin letters. Squeezed like normalizeForMatch.
const ARABIZI_WORDS = new Set(
  (
    'salam salaam slm assalam asalam assalamu asalamu alaikum alaykum aleikum alikum marhaba marhab marhabtain ahlan ahlain ahleen ahla hala hla ' +
    'shukran shokran shukrn shokrn shukrun mashkoor mashkor mashkur mashkoora mashkorin mamnoon mamnun motashakker mtshkr tislam teslam tslm yeslamo yslmo yislamo ' +
    'habibi habibti habebi 7abibi 7abibti 7bibi akhi ukhti ya3tik ya3teek yatik 3afia 3afye afia ' +
    'inshallah insha2allah inshalla inshaallah enshallah nshalah mashallah masha2allah wallah wallahi walla wlh walah yalla yallah ' +
    'khalas 5alas 5las tayeb tayb taieb tamam tmam mashi mashy 7ader hader abshir abshr zain zein kwayes kwayis kwais mnih mni7 ' +
    'ana enta inta enti inti entu intu e7na i7na ehna ahna howa hwa heya hiya 3ndk 3andak 3ndkom 3andkom 3ndkm andkom 3indkum 3indak ' +
    'abi abghi abgha abga ab8a ab8ah abiha abih 3ayez 3ayz 3aiz 3awz 3awez 3ayza 3awza ayez baddi badi bade bdi bidi biddi ' +
    'mesh msh mish mush mosh mu mo mb mafi mafee mafeesh mafish mfesh mako ma7ad ma7d mahad mahd ' +
    'leh lesh leish laish lysh lish wen wein wain fein fen feen fin emta imta emtaa eimta mata meta keef kaif kif kaef kifak kifik keefak keefik ' +
    'izayak izayek ezayak ezayek ezay ezzay izzay shlon shlonak shlonk shlonkom esh eish aish sho shu shou wesh wsh eh eih ayh ' +
    'shnu shno shino 3shan 3ashan alashan 3alashan 3la 3ala 3al ma3 m3a ma3a momken mumkin mumken momkin mumkn lazem lazim laazim ' +
    'kteer ktir kteeer katheer wayed wayid 7aga 7aja haga kaman kamaan lissa lessa lesa lsa lissah ya3ni yani ya3ny yaani ' +
    'si3r se3r sa3r si3ro se3ro as3ar es3ar bkam bikam bekam bkm bikm kam adesh 2desh addesh 2adesh adeh 2adeh shkad shgad bish taklifa khasm 5asm ' +
    'talab talabi talaby tlbi el talab atlob atlub a6lob otlob a6lb ashtri ashtari ashteri nashtri ' +
    'wasal wesel wasl mawasal mawsal wasel wasil yewsal yusal yoosal yiwsal twasloon twaslon twasel tawseel tawsil tawsel sha7n shahn shi7n ' +
    'shaghal sha8al shaghala yeshtaghel yshtghl mushkila mushkla moshkla moshkela mshkla sa3edni sa3dni saedni musa3ada mosa3da ' +
    'za3lan zaelan z3lan rady radi raadi nasabin nassabeen nasabeen 7aramiya 7aramia harameya sayye2 sayi2 zeft zbala 5arban kharban maksoor mksoor ' +
    'mit2a5er mt2a5r met2akher mit2akher ta25eer ta2kheer t2khir 7asbi ghalat 3alat 8alat ' +
    'el7een el7in alhin al7in hal7in delwa2ty dlw2ty delwa2ti dlwa2ty elyom alyoum elyoum elnaharda naharda bsor3a besor3a bsr3a b3dain ba3den ba3dain bukra bokra ' +
    'khalini 5alini 5aleeni afakir afaker bafakker bafaker bashoof ashoof barja3lak barja3 ' +
    'wa2ef wa2fo wa2fu tirsil tersel rasayel rasail rsayel kefaya kfaya kifaya bala ' +
    'sabah saba7 masa el kheir khair 5eer 5er kheer noor nour ' +
    'agdar a2dar ashan 3ashan bas bs wla wala aw law hal fi fee feeh fih fe ' +
    'kan kana kanet kont kunt mandoob mandoub ghalees ghalis adab akhoy akhooy gama3a gam3a basha ya3ni tayyeb sayara 7aga 7aja ' +
    'ba2a bqa keda kda kaza kdh kida 3shan leh bas yalla khalas wallahi da di dah deh dol elli illi elly ili hatha hadha hada hadi hay hek heik ' +
    'kaman lazem mumkin shway shwai shwaya shwia showaya kteer 7elw 7ilw helw 3adi 3ady tab tayb sah sa7 mazboot mzbot ahsan a7san'
  ).split(/\s+/).map((w) => squeezeRepeats(normalizeForMatch(w))),
);
// Latin words these lists must not treat as Arabizi evidence on their own (shared with English).
const ARABIZI_WEAK = new Set((['bas', 'bs', 'aw', 'law', 'hal', 'fi', 'fe', 'fin', 'mo', 'mu', 'mb', 'eh', 'kam', 'el', 'ana', 'meta', 'mata', 'hala', 'ma', 'bala', 'fen', 'kif', 'noor', 'nour', 'sabah', 'wen', 'abi', 'bade', 'radi', 'mesh', 'sho', 'shu', 'esh', 'rady', 'wasl', 'talab', 'hader', 'mashi'] as string[]).map((x) => squeezeRepeats(x)));

// A Latin word with one of Arabizi's letter digits (2 3 5 6 7 8 9) next to a letter: "3ayez", "si3r", "ab8a".
const ARABIZI_DIGIT_WORD = /^(?=.*\p{L})(?:[a-z]*[2356789][a-z]+[a-z0-9]*|[a-z]+[2356789][a-z0-9]*)$/u;
// Chat-speak, ordinals, units and model numbers that also mix letters and digits.
const NOT_ARABIZI_DIGIT_WORD =
  /^(?:\d+(?:st|nd|rd|th|pm|am|k|kg|g|gb|tb|mb|ml|l|cm|mm|m|km|x|h|hr|hrs|min|mins|s|d|pcs|pc|yrs?|days?|mo|w|v|hz|mp|p|sar|aed|egp|usd|kwd|qar|omr|bhd|jod|sr|le)|gr8|w8|h8|l8r|l8|b4|2day|2moro|2morrow|2mrw|2nite|2night|2u|m8|sk8|4u|2b|ps[2345]|[a-z]{1,3}\d{1,4}|\d+[a-z]?\d*)$/;

interface LatinProfile {
  lang: string;
  words: Set<string>;
  chars?: RegExp;
}

const w = (s: string) => new Set(s.split(/\s+/).map((x) => squeezeRepeats(normalizeForMatch(x))));

const LATIN_PROFILES: LatinProfile[] = [
  {
    lang: 'en',
    words: w(
      'the a an is are am was were be been i im i\'m you your youre u ur my me mine we us our they them it its this that these those ' +
      'what whats when where wheres why how who which do does did dont doesnt didnt can cant could would will wont should have has had havent hasnt ' +
      'and or but not no yes yeah yep ok okay please pls plz thanks thank thx hi hello hey morning evening to of in on at for with from by about ' +
      'want need like get got still just any some there here order price much many cost send sent stop help delivery arrived received item ' +
      'know think let ill going waiting today tomorrow now again more very so too also see ya bye cool sure great nice good thx ' +
      'lol pls plz u ur r im ive dont cant wont got gonna wanna alright ok okay yes yeah thanks ' +
      'come back later will call check one way go make take give tell ask wait buy paid pay money card cash work home store shop ' +
      'new old big small long sure really thing things something anything nothing everything ever never always still yet only ' +
      'after before because if then than as up down out off over under again another other same different first last next ' +
      'day days week weeks month year time hour minutes morning night size color colour box boxes piece pieces deliver shipping ', 
    ),
  },
  {
    lang: 'es',
    words: w(
      'el la los las un una unos unas es son está esta estoy están que qué de del y o pero no si sí por para con sin en mi mis tu su nuestro ' +
      'hola buenos buenas días dias tardes noches gracias favor quiero quisiera necesito tiene tienen tienes hay cuánto cuanto cuanta precio precios ' +
      'pedido compra comprar envío envio cuando cuándo donde dónde cómo como porque muy también ya ahora hoy mañana todavía aún nada bien vale ' +
      'usted ustedes puedo puede pueden me te le nos les lo mas más dinero llegado llegó entrega mensajes baja',
    ),
    chars: /[ñ¿¡]/,
  },
  {
    lang: 'pt',
    words: w(
      'o a os as um uma é são está estou estão que de do da dos das e ou mas não sim por para com sem em meu minha seu sua nosso você vocês ' +
      'olá ola oi bom boa dia tarde noite obrigado obrigada favor quero queria preciso tem têm há quanto quanta preço preços pedido compra comprar ' +
      'entrega quando onde como porque muito também já agora hoje amanhã ainda nada bem tudo posso pode podem me te lhe nos mais dinheiro chegou ' +
      'mensagens cadê ta tá pra né',
    ),
    chars: /[ãõ]/,
  },
  {
    lang: 'fr',
    words: w(
      'le la les un une des est sont suis être que qui de du et ou mais ne pas non oui pour avec sans en dans mon ma mes ton ta tes son sa ses ' +
      'notre votre vous nous je tu il elle ils bonjour bonsoir salut merci svp plaît plait veux voudrais besoin avez avoir combien prix commande ' +
      'acheter livraison quand où comment pourquoi très aussi déjà maintenant aujourdhui demain encore rien bien peux peut pouvez ce cette ces ' +
      'argent arrivé reçu messages désabonner',
    ),
    chars: /[œ]|\b(?:c|j|l|d|qu|n|s)'/,
  },
  {
    lang: 'de',
    words: w(
      'der die das ein eine einen ist sind bin war und oder aber nicht nein ja für mit ohne in im auf mein meine dein sie wir ich du er es ' +
      'hallo guten tag morgen abend danke bitte möchte will brauche haben habe hat wie viel viele preis kosten bestellung kaufen lieferung wann ' +
      'wo warum sehr auch schon jetzt heute noch nichts gut kann können geld angekommen erhalten nachrichten mehr keine',
    ),
    chars: /[äöüß]/,
  },
  {
    lang: 'it',
    words: w(
      'il lo la gli le un una è sono che di del della e o ma non sì si per con senza in mio mia tuo suo nostro voi noi io tu lui lei ' +
      'ciao buongiorno buonasera grazie prego voglio vorrei bisogno avete quanto costa prezzo ordine comprare consegna quando dove come perché ' +
      'molto anche già adesso oggi domani ancora niente bene posso può potete soldi arrivato ricevuto messaggi',
    ),
  },
  {
    lang: 'nl',
    words: w(
      'de het een is zijn ben en of maar niet nee ja voor met zonder in op mijn jouw uw wij ik jij hij zij hallo goedemorgen dank bedankt ' +
      'alstublieft graag wil heb hebben hoeveel prijs kost bestelling kopen levering wanneer waar waarom hoe heel ook al nu vandaag morgen nog ' +
      'niets goed kan kunnen geld aangekomen ontvangen berichten',
    ),
  },
  {
    lang: 'tr',
    words: w(
      'bir bu şu ve veya ama değil hayır evet için ile ben sen o biz siz onlar benim senin merhaba selam günaydın iyi akşamlar teşekkür teşekkürler ' +
      'sağol lütfen istiyorum var yok ne kadar fiyat fiyatı sipariş siparişim satın teslimat kargo ne zaman nerede neden nasıl çok de da şimdi ' +
      'bugün yarın hala hiç tamam olur mu mi mısınız misiniz para geldi mesaj',
    ),
    chars: /[ğışİı]/,
  },
  {
    lang: 'id',
    words: w(
      'yang dan atau tapi tidak bukan ya untuk dengan tanpa di ke dari saya aku kamu anda kami kita mereka ini itu halo selamat pagi siang malam ' +
      'terima kasih makasih tolong mau ingin ada berapa harga pesan pesanan beli pengiriman kapan dimana mana kenapa bagaimana sangat juga sudah ' +
      'sekarang hari besok masih belum apa bisa uang sampai kirim barang',
    ),
  },
];
const MALAY_MARKERS = w('boleh tak nak awak kat macam sahaja encik cik ringgit rm sikit betul tu ni dah');

function latinLanguage(text: string, norm: string, signals: string[]): { language: string; arabizi: boolean } {
  const toks = tokens(squeezeRepeats(norm));
  // Arabizi evidence.
  let arabiziStrong = 0;
  let arabiziWords = 0;
  for (const t of toks) {
    if (ARABIZI_DIGIT_WORD.test(t) && !NOT_ARABIZI_DIGIT_WORD.test(t)) arabiziStrong++;
    else if (ARABIZI_WORDS.has(t)) arabiziWords += ARABIZI_WEAK.has(t) ? 0.5 : 1;
  }
  const scores = new Map<string, number>();
  for (const p of LATIN_PROFILES) {
    let s = 0;
    for (const t of toks) if (p.words.has(t)) s++;
    if (p.chars && p.chars.test(text.toLowerCase())) s += 1.5;
    scores.set(p.lang, s);
  }
  const idScore = scores.get('id') ?? 0;
  if (idScore > 0) {
    let ms = 0;
    for (const t of toks) if (MALAY_MARKERS.has(t)) ms++;
    if (ms > 0) scores.set('ms', idScore + ms);
  }
  // French/Portuguese/Spanish accented letters that no other profile claims.
  if (/[èêëœ]/.test(text)) scores.set('fr', (scores.get('fr') ?? 0) + 1);
  if (/[àâîôûç]/.test(text) && !/[ãõ]/.test(text)) scores.set('fr', (scores.get('fr') ?? 0) + 0.5);
  if (/[ç]/.test(text) && /[ãõ]/.test(text)) scores.set('pt', (scores.get('pt') ?? 0) + 0.5);

  let best = 'en';
  let bestScore = 0;
  for (const [lang, s] of scores) {
    if (s > bestScore || (s === bestScore && s > 0 && lang === 'en')) {
      best = lang;
      bestScore = s;
    }
  }
  const arabiziScore = arabiziStrong * 2 + arabiziWords;
  if (arabiziScore > 0 && (arabiziStrong > 0 || arabiziWords >= 1) && arabiziScore >= bestScore * 0.75) {
    if (arabiziScore >= 1) {
      signals.push('lang:arabizi');
      return { language: 'ar', arabizi: true };
    }
  }
  if (bestScore === 0) return { language: 'en', arabizi: false };
  return { language: best, arabizi: false };
}

/** Detects the language of a message. */
export function detectLanguage(text: string, norm: string = normalizeForMatch(text)): LanguageResult {
  const signals: string[] = [];
  const counts = new Map<ScriptName, number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x41) continue;
    if (!/\p{L}/u.test(ch)) continue;
    const s = scriptOf(cp);
    if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  if (counts.size === 0) {
    return { language: 'und', arabizi: false, signals: ['lang:none'] };
  }
  // Japanese: kana present (with or without kanji); Korean: hangul; Chinese: han only.
  const kana = counts.get('kana') ?? 0;
  const han = counts.get('han') ?? 0;
  const hangul = counts.get('hangul') ?? 0;
  let top: ScriptName = 'latin';
  let topCount = -1;
  for (const [s, c] of counts) {
    // Weight non-Latin scripts up a little: a brand name in Latin inside an Arabic sentence is common.
    const weighted = s === 'latin' ? c : c * 1.5;
    if (weighted > topCount) {
      top = s;
      topCount = weighted;
    }
  }
  if (kana + han + hangul > 0 && (top === 'kana' || top === 'han' || top === 'hangul')) {
    if (kana > 0) return { language: 'ja', arabizi: false, signals: ['lang:script:kana'] };
    if (hangul > 0 && hangul >= han) return { language: 'ko', arabizi: false, signals: ['lang:script:hangul'] };
    return { language: 'zh', arabizi: false, signals: ['lang:script:han'] };
  }
  if (top === 'arabic') return { language: arabicScriptLanguage(text, signals), arabizi: false, signals };
  if (top === 'cyrillic') {
    if (/[іїєґ]/iu.test(text)) return { language: 'uk', arabizi: false, signals: ['lang:script:cyrillic'] };
    return { language: 'ru', arabizi: false, signals: ['lang:script:cyrillic'] };
  }
  if (top === 'latin') {
    const r = latinLanguage(text, norm, signals);
    return { language: r.language, arabizi: r.arabizi, signals };
  }
  const lang = SCRIPT_LANGUAGE[top] ?? 'und';
  return { language: lang, arabizi: false, signals: [`lang:script:${top}`] };
}
