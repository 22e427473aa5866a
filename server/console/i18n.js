// UI labels in English and Arabic; the page turns right-to-left for Arabic.
export const LABELS = {
  en: {
    title: 'Threadline', conversations: 'Conversations', dashboard: 'Dashboard', signIn: 'Sign in', signOut: 'Sign out',
    token: 'API token', status: 'Status', urgency: 'Urgency', team: 'Team', assignee: 'Assignee', any: 'any',
    takenOver: 'taken over', buyer: 'Buyer', lastInbound: 'Last message', refreshed: 'Refreshed', back: 'Back',
    takeOver: 'Take over', release: 'Release', pause: 'Pause', resume: 'Resume', snoozeUntil: 'Snooze until', snooze: 'Snooze',
    outcome: 'Outcome', close: 'Close', send: 'Send', scheduleAt: 'or schedule at', schedule: 'Schedule',
    from: 'From', to: 'To', show: 'Show', responseOverTime: 'Response time (median, s) per day', slaOverTime: 'SLA hit rate per day',
    followUpRecovery: 'Follow-ups sent and answered per day', perAgent: 'First response p50 per agent (s)', agent: 'Agent',
    turns: 'Turns', firstP50: 'First response p50', slaHit: 'SLA hit', missed: 'Missed', breaches: 'Breaches',
    fConversations: 'Conversations', fFirst: 'First response p50 / p90 (s)', fNext: 'Next response p50 / p90 (s)',
    fSla: 'Replies within SLA', fMissed: 'Missed messages', fBreaches: 'SLA breaches', fFollowUps: 'Follow-ups sent / answered',
    fRecovered: 'Follow-up recovery', fAutomation: 'Automation share', done: 'Done', badToken: 'That token was refused: sign in again.',
    sent: 'Sent', scheduled: 'Scheduled for',
  },
  ar: {
    title: 'ثريدلاين', conversations: 'المحادثات', dashboard: 'لوحة المؤشرات', signIn: 'تسجيل الدخول', signOut: 'تسجيل الخروج',
    token: 'رمز الوصول', status: 'الحالة', urgency: 'الأولوية', team: 'الفريق', assignee: 'المسؤول', any: 'الكل',
    takenOver: 'مستلمة يدوياً', buyer: 'العميل', lastInbound: 'آخر رسالة', refreshed: 'آخر تحديث', back: 'رجوع',
    takeOver: 'استلام', release: 'إفلات', pause: 'إيقاف مؤقت', resume: 'استئناف', snoozeUntil: 'تأجيل حتى', snooze: 'تأجيل',
    outcome: 'النتيجة', close: 'إغلاق', send: 'إرسال', scheduleAt: 'أو جدولة في', schedule: 'جدولة',
    from: 'من', to: 'إلى', show: 'عرض', responseOverTime: 'زمن الرد (الوسيط، ثانية) يومياً', slaOverTime: 'نسبة الالتزام بزمن الرد يومياً',
    followUpRecovery: 'المتابعات المرسلة والمُجاب عنها يومياً', perAgent: 'وسيط أول رد لكل موظف (ثانية)', agent: 'الموظف',
    turns: 'الأدوار', firstP50: 'وسيط أول رد', slaHit: 'الالتزام', missed: 'الفائتة', breaches: 'التجاوزات',
    fConversations: 'المحادثات', fFirst: 'أول رد p50 / p90 (ثانية)', fNext: 'الرد التالي p50 / p90 (ثانية)',
    fSla: 'ردود ضمن المهلة', fMissed: 'رسائل فائتة', fBreaches: 'تجاوزات المهلة', fFollowUps: 'متابعات مرسلة / مُجاب عنها',
    fRecovered: 'نسبة الاسترجاع', fAutomation: 'حصة الأتمتة', done: 'تم', badToken: 'رُفض الرمز: سجّل الدخول من جديد.',
    sent: 'أُرسلت', scheduled: 'مجدولة في',
  },
};

export function currentLang() {
  return localStorage.getItem('tl.lang') === 'ar' ? 'ar' : 'en';
}

export function t(key) {
  return LABELS[currentLang()][key] ?? LABELS.en[key] ?? key;
}

export function applyLang() {
  const lang = currentLang();
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.getElementById('lang').textContent = lang === 'ar' ? 'English' : 'العربية';
}
