import { startStack, type Stack } from '@classchat/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, launchBrowser, newStudent, screenshot, signUp } from './support.js';

/** The api's socket limit per user (MAX_SOCKETS_PER_USER): every tab holds one socket. */
const TABS_ALLOWED = 20;
const TOO_MANY_TABS =
  'Live answers are off in this tab: too many tabs are open. Close one, then reload this tab.';

/**
 * One student opening more tabs than the api lets one user hold sockets: the tab refused at the
 * handshake says so at once, and its Reload connects it once another tab is closed.
 */
describe('a student with more tabs open than the socket limit, in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  const tabs: Page[] = [];

  /** Sockets the api holds open (one student here, so all of them are hers). */
  const openSockets = () => stack.api.ctx.realtime.io.sockets.sockets.size;

  beforeAll(async () => {
    ensureWebBuilt();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    const student = await newStudent(browser, stack.apiUrl);
    context = student.context;
    await signUp(student.page, 'Tab Hoarder', 'tabs@example.com');
    tabs.push(student.page);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it(`connects ${TABS_ALLOWED} tabs, and the next one says why live answers are off, with a Reload`, async () => {
    await expect.poll(openSockets).toBe(1);
    while (tabs.length < TABS_ALLOWED) {
      const tab = await context.newPage();
      await tab.goto('/library');
      tabs.push(tab);
      await expect.poll(openSockets).toBe(tabs.length);
    }
    for (const tab of tabs) expect(await tab.getByTestId('toast').count()).toBe(0);

    const extra = await context.newPage();
    await extra.goto('/library');
    const toast = extra.getByTestId('toast').filter({ hasText: TOO_MANY_TABS });
    await toast.waitFor();
    expect(await toast.getAttribute('role')).toBe('alert');
    expect(await toast.getByTestId('toast-action').textContent()).toBe('Reload');
    expect(openSockets()).toBe(TABS_ALLOWED);
    await screenshot(extra, '30-too-many-tabs');

    // With one tab closed, Reload connects this one.
    await tabs.shift()!.close();
    await expect.poll(openSockets).toBe(TABS_ALLOWED - 1);
    await Promise.all([extra.waitForEvent('load'), toast.getByTestId('toast-action').click()]);
    await expect.poll(openSockets).toBe(TABS_ALLOWED);
    await extra.getByTestId('class-create').waitFor();
    expect(await extra.getByTestId('toast').count()).toBe(0);
  });
});
