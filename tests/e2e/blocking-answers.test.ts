import { SessionDetail } from '@classchat/contracts';
import { startStack, type Stack } from '@classchat/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerText,
  ask,
  chatAboutMultiPagePdf,
  ensureWebBuilt,
  launchBrowser,
  newStudent,
  renderedCitations,
  screenshot,
  signUp,
} from './support.js';

/** Error notices on the page (the upload's "Created …" notice may still be showing). */
const errorToasts = (page: Page) => page.getByTestId('toast').and(page.getByRole('alert')).allTextContents();

/**
 * With ENABLE_STREAMING=false the api answers a question with the whole chat once the answer is
 * written (no socket events): the student still sees the question and the answer, with no error.
 */
describe('a server with streaming turned off', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const reply = 'Mitochondria turn glucose into usable energy [1]. They are the cell’s power plants.';

  beforeAll(async () => {
    ensureWebBuilt();
    [stack, browser] = await Promise.all([
      startStack({ api: { ENABLE_STREAMING: 'false' } }),
      launchBrowser(),
    ]);
    stack.upstream!.setDefault({ reply });
    ({ page } = await newStudent(browser, stack.apiUrl));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the question and the finished answer, and a retry’s new version', async () => {
    await signUp(page, 'Blocking Student', 'blocking@example.com');
    await chatAboutMultiPagePdf(page);
    await ask(page, 'How do cells get energy?');

    await page.getByTestId('message-assistant').waitFor();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    const saved = SessionDetail.parse(
      await (await page.request.get(`/api/v1/chat/sessions/${sessionId}`)).json(),
    );
    const answer = saved.messages.at(-1)!;
    expect(answer.content).toContain('Mitochondria turn glucose into usable energy');
    expect(await answerText(page)).toBe(renderedCitations(answer.content, answer.citations));
    expect(await page.getByTestId('message-user').allTextContents()).toEqual(['How do cells get energy?']);
    expect(await errorToasts(page)).toEqual([]);
    await screenshot(page, 'blocking-answer');

    const retried = 'Cells get energy from glucose in their mitochondria [1].';
    stack.upstream!.enqueue({ reply: retried });
    await page.getByTestId('message-assistant').getByRole('button', { name: /retry/i }).click();
    await expect.poll(() => answerText(page), { timeout: 30_000 }).toContain('Cells get energy from glucose');
    expect(await page.getByTestId('message-assistant').count()).toBe(1);
    expect(await errorToasts(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
