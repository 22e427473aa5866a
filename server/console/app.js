// The agent console: sign in with a token, the conversation list (filters, live refresh), one
// conversation's timeline and actions, and the analytics dashboard. Plain ES modules, no build step.
// Every text from the API is set with textContent (never parsed as HTML); buyers' words get dir=auto.
import { api, setToken, token } from './api.js';
import { applyLang, currentLang, t } from './i18n.js';
import { showDashboard } from './dashboard.js';

const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
};
const fmt = (iso) => (iso ? new Date(iso).toLocaleString(currentLang() === 'ar' ? 'ar' : 'en-GB') : '');
const REFRESH_MS = 3000;
let timer = null;

function show(id) {
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== id;
  $('#signout').hidden = id === 'signin';
}

function stopRefresh() {
  if (timer) clearInterval(timer);
  timer = null;
}
function every(fn) {
  stopRefresh();
  fn();
  timer = setInterval(fn, REFRESH_MS);
}

// --- list ---
function filterQuery() {
  const f = new FormData($('#filters'));
  const q = new URLSearchParams();
  for (const k of ['status', 'urgency', 'team', 'assignee']) if (f.get(k)) q.set(k, String(f.get(k)).trim());
  if (f.get('takenOver')) q.set('takenOver', 'true');
  q.set('limit', '100');
  return q.toString();
}

async function refreshList() {
  const body = await api(`/conversations?${filterQuery()}`);
  const rows = body.data ?? body.items ?? [];
  const tbody = $('#conversations tbody');
  tbody.replaceChildren(
    ...rows.map((c) =>
      el(
        'tr',
        { dataset: { id: c.id }, onclick: () => (location.hash = `#/c/${c.id}`) },
        el('td', {}, el('a', { href: `#/c/${c.id}`, dir: 'auto', textContent: c.waId ?? c.contactId })),
        el('td', { textContent: c.status + (c.paused ? ' ⏸' : '') }),
        el('td', { textContent: c.urgency }),
        el('td', { textContent: c.team ?? '' }),
        el('td', { textContent: c.assignee ?? '' }),
        el('td', { textContent: fmt(c.lastInboundAt) }),
      ),
    ),
  );
  $('#refreshed').textContent = fmt(new Date().toISOString());
}

// --- one conversation ---
function timelineEntry(e) {
  if (e.kind === 'message') {
    return el(
      'li',
      { className: e.direction === 'in' ? 'in' : 'out', dataset: { kind: 'message', wamid: e.waMessageId ?? '' } },
      el('span', { className: 'text', dir: 'auto', textContent: e.text ?? `[${e.type}]` }),
      el('span', { className: 'meta', textContent: `${fmt(e.at)} · ${e.status ?? ''}` }),
    );
  }
  const why = Array.isArray(e.reasons) ? e.reasons.join('; ') : '';
  return el('li', { className: 'event', dataset: { kind: e.kind } }, el('span', { dir: 'auto', textContent: `${e.kind}${why ? `: ${why}` : ''}` }), el('span', { className: 'meta', textContent: fmt(e.at) }));
}

async function refreshConversation(id) {
  const c = await api(`/conversations/${encodeURIComponent(id)}`);
  $('#conv-title').textContent = c.waId ?? c.contactId;
  $('#conv-meta').textContent = [c.status, c.urgency, c.team, c.assignee, c.paused ? 'paused' : ''].filter(Boolean).join(' · ');
  const list = $('#timeline');
  const atBottom = list.childElementCount === 0 || window.innerHeight + window.scrollY >= document.body.scrollHeight - 20;
  list.replaceChildren(...(c.timeline ?? []).map(timelineEntry));
  if (atBottom) window.scrollTo(0, document.body.scrollHeight);
}

async function act(id, action, body) {
  const out = $('#action-result');
  out.className = '';
  out.textContent = '…';
  try {
    await api(`/conversations/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: body ?? {} });
    out.textContent = `${action}: ${t('done')}`;
    await refreshConversation(id);
    return true;
  } catch (err) {
    out.className = 'error';
    out.textContent = `${action}: ${err.message}`;
    return false;
  }
}

function wireConversation(id) {
  for (const b of document.querySelectorAll('#actions [data-action]')) {
    b.onclick = () => {
      const action = b.dataset.action;
      if (action === 'snooze') {
        const v = $('#snooze-until').value;
        return act(id, 'snooze', v ? { until: new Date(v).toISOString() } : {});
      }
      if (action === 'close') return act(id, 'close', { outcome: $('#outcome').value });
      return act(id, action, {});
    };
  }
  $('#reply-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const text = $('#reply-text').value.trim();
    if (!text) return;
    if (await act(id, 'reply', { text })) $('#reply-text').value = '';
  };
  $('#schedule').onclick = async () => {
    const text = $('#reply-text').value.trim();
    const at = $('#schedule-at').value;
    if (!text || !at) return;
    if (await act(id, 'schedule-reply', { text, at: new Date(at).toISOString() })) $('#reply-text').value = '';
  };
}

// --- routing between pages ---
async function route() {
  stopRefresh();
  if (!token()) return show('signin');
  const hash = location.hash || '#/';
  const guard = (fn) => () => fn().catch((err) => console.error(err));
  if (hash.startsWith('#/c/')) {
    const id = decodeURIComponent(hash.slice(4));
    show('conversation');
    $('#timeline').replaceChildren();
    $('#action-result').textContent = '';
    wireConversation(id);
    every(guard(() => refreshConversation(id)));
  } else if (hash.startsWith('#/dashboard')) {
    show('dashboard');
    await showDashboard().catch((err) => ($('#dash-error').textContent = err.message));
  } else {
    show('list');
    every(guard(refreshList));
  }
}

$('#signin-form').onsubmit = async (ev) => {
  ev.preventDefault();
  setToken($('#token').value.trim());
  $('#signin-error').textContent = '';
  try {
    await api('/conversations?limit=1');
    $('#token').value = '';
    await route();
  } catch (err) {
    setToken(null);
    $('#token').value = '';
    $('#signin-error').textContent = err.status === 401 ? t('badToken') : err.message;
  }
};
$('#signout').onclick = () => {
  setToken(null);
  route();
};
$('#lang').onclick = () => {
  localStorage.setItem('tl.lang', currentLang() === 'ar' ? 'en' : 'ar');
  applyLang();
  route();
};
$('#filters').onchange = () => refreshList().catch(() => {});
window.addEventListener('tl:unauthorized', () => {
  setToken(null);
  stopRefresh();
  show('signin');
  $('#signin-error').textContent = t('badToken');
});
window.addEventListener('hashchange', route);
applyLang();
route();
