// The dashboard: GET /analytics over a date range, its figures as numbers and four plots
// (Chart.js, served from node_modules by the app).
import { api } from './api.js';
import { t } from './i18n.js';

const $ = (sel) => document.querySelector(sel);
const charts = {};
const pct = (v) => (v === null || v === undefined ? '–' : `${Math.round(v * 1000) / 10}%`);
const num = (v) => (v === null || v === undefined ? '–' : String(v));
const isoDay = (d) => d.toISOString().slice(0, 10);

function figure(id, label, value) {
  const box = document.createElement('div');
  box.className = 'figure';
  box.dataset.figure = id;
  const v = document.createElement('span');
  v.className = 'value';
  v.id = `fig-${id}`;
  v.textContent = value;
  const l = document.createElement('span');
  l.textContent = label;
  box.append(v, l);
  return box;
}

function plot(id, type, labels, datasets, yMax) {
  charts[id]?.destroy();
  if (typeof window.Chart !== 'function') return;
  charts[id] = new window.Chart(document.getElementById(id), {
    type,
    data: { labels, datasets },
    options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, ...(yMax ? { max: yMax } : {}) } } },
  });
}

export async function showDashboard() {
  const form = $('#range');
  if (!$('#from').value) {
    const to = new Date();
    $('#to').value = isoDay(to);
    $('#from').value = isoDay(new Date(to.getTime() - 29 * 86_400_000));
  }
  form.onsubmit = (ev) => {
    ev.preventDefault();
    load().catch((err) => ($('#dash-error').textContent = err.message));
  };
  await load();
}

async function load() {
  $('#dash-error').textContent = '';
  const from = new Date(`${$('#from').value}T00:00:00Z`);
  const to = new Date(new Date(`${$('#to').value}T00:00:00Z`).getTime() + 86_400_000);
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  const team = $('#dash-team').value.trim();
  if (team) q.set('team', team);
  const a = await api(`/analytics?${q}`);
  $('#figures').replaceChildren(
    figure('conversations', t('fConversations'), num(a.conversations)),
    figure('first-response', t('fFirst'), `${num(a.firstResponseSec.p50)} / ${num(a.firstResponseSec.p90)}`),
    figure('next-response', t('fNext'), `${num(a.nextResponseSec.p50)} / ${num(a.nextResponseSec.p90)}`),
    figure('sla-hit-rate', t('fSla'), pct(a.slaHitRate)),
    figure('missed', t('fMissed'), num(a.missed)),
    figure('breaches', t('fBreaches'), num(a.breaches)),
    figure('follow-ups', t('fFollowUps'), `${a.followUps.sent} / ${a.followUps.replied}`),
    figure('recovered', t('fRecovered'), pct(a.followUps.recoveredRate)),
    figure('automation-share', t('fAutomation'), pct(a.automationShare)),
  );
  const days = a.byDay.map((d) => d.day);
  plot('chart-response', 'line', days, [{ label: t('responseOverTime'), data: a.byDay.map((d) => d.responseSecP50), borderColor: '#12324a' }]);
  plot('chart-sla', 'line', days, [{ label: t('slaHit'), data: a.byDay.map((d) => d.slaHitRate), borderColor: '#1f8a4c' }], 1);
  plot('chart-followups', 'bar', days, [
    { label: t('sent'), data: a.byDay.map((d) => d.followUpsSent), backgroundColor: '#8aa4bd' },
    { label: t('fRecovered'), data: a.byDay.map((d) => d.followUpsReplied), backgroundColor: '#1f8a4c' },
  ]);
  plot('chart-agents', 'bar', a.byAgent.map((x) => x.name ?? x.agentId), [{ label: t('firstP50'), data: a.byAgent.map((x) => x.firstResponseSec.p50), backgroundColor: '#12324a' }]);
  $('#agents tbody').replaceChildren(
    ...a.byAgent.map((x) => {
      const tr = document.createElement('tr');
      tr.dataset.agent = x.agentId;
      for (const v of [x.name ?? x.agentId, num(x.turns), num(x.firstResponseSec.p50), pct(x.slaHitRate), num(x.missed), num(x.breaches)]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }),
  );
}
