import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@classchat/contracts';
import type { GoodFixture, Stack } from '@classchat/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ask,
  controlsUnder,
  longReply,
  newStudent,
  screenshot,
  signUp,
  startWatchedStack,
  uploadToNewClass,
} from './support.js';

const PHONE = { width: 390, height: 844 };

/** Whether `inner` lies wholly inside `outer` on screen (half a pixel of rounding allowed). */
async function within(inner: Locator, outer: Locator): Promise<boolean> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  return (
    a.x >= b.x - 0.5 &&
    a.y >= b.y - 0.5 &&
    a.x + a.width <= b.x + b.width + 0.5 &&
    a.y + a.height <= b.y + b.height + 0.5
  );
}

/**
 * A student on a 390 × 844 phone against the real stack: several classes in the library's row of
 * chips, an answer in the chat, and what a toast leaves in view there.
 */
describe('a student on a phone, in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let pdf: GoodFixture;
  let page: Page;

  const chips = () => page.getByTestId('class-list');
  const selectedChip = () => chips().locator('[aria-current="true"]');

  beforeAll(async () => {
    ({ stack, browser, pdf } = await startWatchedStack(
      longReply('The Krebs cycle produces NADH and FADH2, which carry electrons onward [1].', 2),
    ));
    ({ page } = await newStudent(browser, stack.apiUrl, PHONE));
    await signUp(page, 'Pham Student', 'pham@example.com');
    for (const name of ['Modern European History', 'Introduction to Psychology', 'Linear Algebra']) {
      const created = await page.request.post('/api/v1/classes', {
        headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE },
        data: { name },
      });
      expect(created.status()).toBe(201);
    }
    await uploadToNewClass(page, 'Cell Biology', {
      name: pdf.fileName,
      mimeType: 'application/pdf',
      buffer: Buffer.from(pdf.bytes),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the selected class chip in the row, on load and when a new class is selected', async () => {
    const last = (await chips().getByTestId('class-item').last().getAttribute('data-class-id'))!;
    await page.goto(`/library?class=${last}`);
    await page.getByTestId('class-rename').waitFor();
    expect(await selectedChip().getAttribute('data-class-id')).toBe(last);
    expect(await within(selectedChip(), chips())).toBe(true);
    await screenshot(page, 'phone-01-library-selected-chip');

    // A class just created is selected: its chip, at the row's end, comes into view too.
    await chips().evaluate('(list) => list.scrollTo({ left: 0 })');
    await page.getByTestId('class-create').click();
    await page.getByLabel('Class name').fill('Zoology');
    await page.getByRole('button', { name: 'Create class' }).click();
    await page.getByRole('heading', { name: 'Zoology' }).waitFor();
    await expect.poll(() => selectedChip().textContent()).toContain('Zoology');
    expect(await within(selectedChip(), chips())).toBe(true);
  });

  it('keeps the last lines of the conversation and the composer clear of a toast on the chat page', async () => {
    await page.getByTestId('class-item').filter({ hasText: 'Cell Biology' }).click();
    await page.getByRole('link', { name: `Ask about ${pdf.fileName}` }).click();
    await page.waitForURL(/\/chat\?/);
    await ask(page, 'What does the Krebs cycle produce?');
    const answer = page.getByTestId('message-assistant').last();
    await answer.getByTestId('retry-button').waitFor();

    // A reaction the server cannot take shows an error toast.
    await page.route('**/reaction', (route) => route.abort());
    await answer.getByTestId('dislike-button').click();
    await page.getByRole('alert').filter({ hasText: /.+/ }).waitFor();
    // The conversation ends above the highest toast of the stack, which covers no control.
    const toasts = page.getByTestId('toast');
    const conversation = page.locator('.chat__scroll');
    const bottomOf = async (l: Locator) => {
      const box = (await l.boundingBox())!;
      return box.y + box.height;
    };
    // Polled within the error toast's 8 s, while it shows.
    await expect
      .poll(async () => (await bottomOf(conversation)) - (await toasts.first().boundingBox())!.y, {
        timeout: 5000,
      })
      .toBeLessThanOrEqual(0);
    for (const toast of await toasts.all()) expect(await controlsUnder(toast)).toEqual([]);
    // The answer's last controls (its actions) are still on screen, above the toasts.
    await expect.poll(() => within(answer.getByTestId('retry-button'), conversation)).toBe(true);
    await screenshot(page, 'phone-02-chat-toast');
  });
});
