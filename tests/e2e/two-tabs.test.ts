import type { GoodFixture, Stack } from '@classchat/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ask,
  growsByAppending,
  longReply,
  RECORD_STREAM_SNAPSHOTS,
  screenshot,
  signUp,
  startWatchedStack,
  streamSnapshots,
} from './support.js';

/** Everything a page logged as an error or a request that failed, from its first script on. */
function watchForErrors(page: Page, name: string, errors: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${name} console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`${name} page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A stream closed by the page itself (navigation, socket upgrade) is not a failure.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    errors.push(`${name} request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`${name} ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
}

/** Records every status the page's document rows show, in order (from the page's first script on). */
const RECORD_DOCUMENT_STATUSES = `
  window.__documentStatuses = [];
  new MutationObserver(() => {
    const statuses = [...document.querySelectorAll('[data-testid="document-row"]')].map((row) => row.getAttribute('data-status'));
    const last = window.__documentStatuses[window.__documentStatuses.length - 1];
    const now = statuses.join(',');
    if (now && now !== last) window.__documentStatuses.push(now);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
`;

/**
 * One student with two tabs of the app open (one browser context, so one session cookie) against the
 * real stack: what one tab does, the other shows without a reload. The console of both stays clean.
 */
describe('two tabs of one student, in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let pdf: GoodFixture;
  let context: BrowserContext;
  let first: Page;
  let second: Page;
  const errors: string[] = [];
  const reply = longReply('The Krebs cycle produces NADH and FADH2, which carry electrons onward [1].', 3);

  beforeAll(async () => {
    ({ stack, browser, pdf } = await startWatchedStack(reply));
    context = await browser.newContext({ baseURL: stack.apiUrl, viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(20_000);
    await context.addInitScript({ content: RECORD_STREAM_SNAPSHOTS });
    await context.addInitScript({ content: RECORD_DOCUMENT_STATUSES });
    first = await context.newPage();
    watchForErrors(first, 'tab 1', errors);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a signed-out first visit logs no error and fails no request', async () => {
    await first.goto('/');
    await first.waitForURL(/\/login$/);
    await first.getByTestId('auth-email').waitFor();
    await screenshot(first, 'tabs-01-signed-out-first-visit');
    expect(errors).toEqual([]);
  });

  it('a document uploaded in tab 1 appears in tab 2, processing and then ready', async () => {
    await signUp(first, 'Tess Tabs', 'tess@example.com');
    second = await context.newPage();
    watchForErrors(second, 'tab 2', errors);
    await second.goto('/library');
    await second.getByText('No documents yet').waitFor();

    await first.goto('/library');
    await first.getByTestId('upload-input').setInputFiles({
      name: pdf.fileName,
      mimeType: 'application/pdf',
      buffer: pdf.bytes,
    });
    const row = second.getByTestId('document-row').filter({ hasText: pdf.fileName });
    await row.and(second.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    await screenshot(second, 'tabs-02-library-ready-in-tab-2');
    const statuses = await second.evaluate(
      () => (globalThis as unknown as { __documentStatuses: string[] }).__documentStatuses,
    );
    expect(['uploaded', 'processing']).toContain(statuses[0]);
    expect(statuses.at(-1)).toBe('ready');
    await expect
      .poll(() => second.getByTestId('class-all').getByTestId('class-count').textContent())
      .toBe('1');
  });

  it('a question asked in tab 1 shows in tab 2 with its live tokens and final answer, and the meter follows', async () => {
    await first.goto('/chat');
    await second.goto('/chat');
    await ask(first, 'What does the Krebs cycle produce?');
    await first.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await first.getByTestId('message-assistant').waitFor({ timeout: 30_000 });
    // The new chat appears in tab 2's list by itself; open it there.
    const item = second.getByTestId('session-item').first();
    await item.waitFor();
    await item.click();
    await second.getByTestId('message-assistant').waitFor();
    await expect.poll(() => second.getByTestId('usage-count').textContent()).toBe('1 / 25 chats');

    await ask(first, 'How does the citric acid cycle begin?');
    const question = second
      .getByTestId('message-user')
      .filter({ hasText: 'How does the citric acid cycle begin?' });
    await question.waitFor();
    const live = second.locator('[data-testid="streaming-answer"] .markdown');
    await expect
      .poll(async () => ((await live.count()) ? ((await live.textContent()) ?? '') : '').length)
      .toBeGreaterThan(20);
    await screenshot(second, 'tabs-03-tab-2-live-tokens');

    await expect.poll(() => second.getByTestId('message-assistant').count(), { timeout: 30_000 }).toBe(2);
    expect(await second.getByTestId('message-streaming').count()).toBe(0);
    const snapshots = await streamSnapshots(second);
    expect(snapshots.length).toBeGreaterThan(5);
    expect(growsByAppending(snapshots), JSON.stringify(snapshots.map((s) => s.slice(0, 40)))).toBe(true);
    expect(snapshots.at(-1)).toBe(reply);
    await expect.poll(() => second.getByTestId('usage-count').textContent()).toBe('2 / 25 chats');
    // Each tab reads the meter on its own when the answer settles: neither waits for the other.
    await expect.poll(() => first.getByTestId('usage-count').textContent()).toBe('2 / 25 chats');
    await screenshot(second, 'tabs-04-tab-2-final-answer');
    expect(errors).toEqual([]);
  });
});
