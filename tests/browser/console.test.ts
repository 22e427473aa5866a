// The agent console in a real browser (Debian's chromium, headless, driven by puppeteer-core)
// against the real stack: sign in with a token, open a buyer's conversation, reply, find the reply
// in the timeline; Arabic reads right-to-left; the dashboard shows the analytics API's figures.
// Screenshots go to .data/screenshots (kept by CI as artifacts).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbound } from '../helpers/api.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually } from '../helpers/webhooks.js';

// What the page functions below touch runs in the browser; the project is typed for Node (no DOM lib).
declare const document: any;
declare const window: any;
declare const getComputedStyle: (e: unknown) => { direction: string };
type HTMLElement = { hidden: boolean };
type HTMLCanvasElement = { toDataURL(): string };

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const SHOTS = path.resolve('.data', 'screenshots');

let s: Stack;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  if (!CHROMIUM) throw new Error('chromium not found: apt-get install chromium (or set CHROMIUM_PATH)');
  mkdirSync(SHOTS, { recursive: true });
  s = await startStack();
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  page.on('pageerror', (err) => console.error('console page error:', err));
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const textOf = (sel: string) => page.$eval(sel, (e) => e.textContent ?? '');

describe('/console', { timeout: 90_000 }, () => {
  it('signs in, opens a conversation, replies, and finds the reply in the timeline', async () => {
    const first = await inbound(s, '966511100001', 'Hello, is the blue sofa still available?');
    const conv = first.conversationId as string;

    await page.goto(`${s.baseUrl}/console`);
    await page.waitForSelector('#signin-form', { visible: true });
    // A wrong token is refused with a message, and nothing else opens.
    await page.type('#token', 'not-a-token');
    await page.click('#signin-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('#signin-error')?.textContent ?? '').length > 0);
    expect(await page.$eval('#list', (e) => (e as HTMLElement).hidden)).toBe(true);

    await page.type('#token', s.apiToken);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector(`#conversations tr[data-id="${conv}"]`, { visible: true });
    await page.click(`#conversations tr[data-id="${conv}"] a`);
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('#timeline li.in .text')].some((e) => e.textContent === t),
      {},
      'Hello, is the blue sofa still available?',
    );

    const reply = `Yes, it is in stock: 2,400 SAR (${Date.now()})`;
    await page.type('#reply-text', reply);
    await page.click('#reply-form button[type=submit]');
    await page.waitForFunction((t) => [...document.querySelectorAll('#timeline li.out .text')].some((e) => e.textContent === t), { timeout: 20_000 }, reply);
    // It really went out: stored as our message with WhatsApp's id.
    const detail = (await s.api(`/api/v1/conversations/${conv}`)).json;
    const sent = detail.timeline.find((e: any) => e.kind === 'message' && e.direction === 'out' && e.text === reply);
    expect(sent?.waMessageId).toMatch(/^wamid\./);
    await page.screenshot({ path: path.join(SHOTS, 'console-conversation.png'), fullPage: true });

    // An action from the console: pause, and the conversation says so.
    await page.click('#actions [data-action="pause"]');
    await page.waitForFunction(() => /pause: /.test(document.querySelector('#action-result')?.textContent ?? ''));
    expect(await textOf('#action-result')).not.toMatch(/error|forbidden/i);
    await page.waitForFunction(() => /paused/.test(document.querySelector('#conv-meta')?.textContent ?? ''));
  });

  it('shows Arabic right-to-left, and the page itself in Arabic', async () => {
    const m = await inbound(s, '966511100002', 'السلام عليكم، كم سعر الكنبة الزرقاء؟');
    await page.goto(`${s.baseUrl}/console#/c/${m.conversationId}`);
    await page.waitForSelector('#timeline li.in .text', { visible: true });
    const dir = await page.$eval('#timeline li.in .text', (e) => getComputedStyle(e).direction);
    expect(dir).toBe('rtl');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await textOf('#reply-form button[type=submit]')).toBe('إرسال');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  it('loads the dashboard and shows the figures the analytics API gives', async () => {
    // The first test's reply is a first response: wait until the rollup has it.
    const to = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + 86_400_000);
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const figures = await eventually(async () => {
      const a = (await s.api(`/api/v1/analytics?${range}`)).json;
      return a.firstResponseSec?.samples >= 1 ? a : undefined;
    }, 20_000);

    await page.goto(`${s.baseUrl}/console#/dashboard`);
    await page.waitForSelector('#fig-conversations', { visible: true });
    expect(await textOf('#fig-conversations')).toBe(String(figures.conversations));
    expect(figures.conversations).toBeGreaterThanOrEqual(1);
    expect(await textOf('#fig-first-response')).toBe(`${figures.firstResponseSec.p50} / ${figures.firstResponseSec.p90}`);
    expect(await textOf('#fig-missed')).toBe(String(figures.missed));
    // The plots were drawn (Chart.js loaded and rendered into the canvases).
    expect(await page.evaluate(() => typeof (window as any).Chart)).toBe('function');
    const drawn = await page.$eval('#chart-response', (c) => (c as HTMLCanvasElement).toDataURL().length);
    expect(drawn).toBeGreaterThan(1000);
    await page.screenshot({ path: path.join(SHOTS, 'console-dashboard.png'), fullPage: true });
  });
});
