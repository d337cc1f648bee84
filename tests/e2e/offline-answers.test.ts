import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@classchat/contracts';
import { courseReaderPdf, startStack, type Stack } from '@classchat/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, ensureWebBuilt, launchBrowser, newStudent, screenshot, signUp } from './support.js';

/**
 * Offline answers (no model configured, what every new user meets) in the browser: a quiz shown one
 * question at a time with its answer behind "Show answer", and a how-to answer whose code example
 * is rendered as code.
 */
describe('offline answers in the browser, against the real stack', () => {
  let stack: Stack;
  let browser: Browser;
  let student: { context: BrowserContext; page: Page };
  let page: Page;
  let documentId = '';

  beforeAll(async () => {
    ensureWebBuilt();
    [stack, browser] = await Promise.all([
      startStack({ model: 'offline', rag: { OFFLINE_TOKEN_DELAY_MS: '2' } }),
      launchBrowser(),
    ]);
    student = await newStudent(browser, stack.apiUrl);
    page = student.page;
    await signUp(page, 'Ada Student', 'ada@example.com');
    const fixture = await courseReaderPdf();
    // As the web app sends it: a cookie-authenticated upload needs the CSRF header.
    const uploaded = await page.request.post('/api/v1/documents', {
      headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE },
      multipart: { file: { name: fixture.fileName, mimeType: 'application/pdf', buffer: fixture.bytes } },
    });
    expect(uploaded.status()).toBe(201);
    documentId = ((await uploaded.json()) as { document: { id: string } }).document.id;
    // expect.poll belongs to tests: wait for the ingestion here with a bounded loop.
    for (let i = 0; i < 240; i++) {
      const doc = (await (await page.request.get(`/api/v1/documents/${documentId}`)).json()) as {
        status: string;
      };
      if (doc.status === 'ready') break;
      if (doc.status === 'failed') throw new Error('the course reader failed to ingest');
      await page.waitForTimeout(250);
    }
    await page.goto(`/chat?doc=${documentId}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('quizzes one question at a time, with the answer and its page behind "Show answer"', async () => {
    await ask(page, 'Quiz me on factors');
    const quiz = page.getByTestId('message-assistant').last().getByTestId('quiz');
    await quiz.waitFor({ timeout: 30_000 });
    expect(await quiz.getByTestId('quiz-progress').textContent()).toMatch(/^Question 1 of \d+$/);
    const prompt = (await quiz.getByTestId('quiz-prompt').textContent()) ?? '';
    expect(prompt).toMatch(/vector object used to specify a discrete classification/);
    expect(await quiz.getByTestId('study-answer').count()).toBe(0);
    await screenshot(page, 'offline-quiz-question');

    await quiz.getByTestId('show-answer').click();
    const answer = quiz.getByTestId('study-answer');
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/factor/);
    expect(await answer.textContent()).toMatch(/r-course-reader\.pdf · p\. 4/);
    expect(await answer.getByTestId('citation-chip').getAttribute('href')).toMatch(/page=4/);
    await screenshot(page, 'offline-quiz-answer');

    await quiz.getByTestId('next-question').click();
    expect(await quiz.getByTestId('quiz-progress').textContent()).toMatch(/^Question 2 of \d+$/);
    expect(await quiz.getByTestId('study-answer').count()).toBe(0);
  });

  it('shows the code example of a how-to answer as code, with a citation chip per quoted sentence', async () => {
    await ask(page, 'How do I read a data file into a data frame?');
    const message = page.getByTestId('message-assistant').last();
    const code = message.locator('.markdown pre code', { hasText: 'read.table' });
    await code.waitFor({ timeout: 30_000 });
    expect(await code.textContent()).toContain('> houses <- read.table("houses.data", header = TRUE)');
    const chips = message.locator('.markdown').getByTestId('citation-chip');
    expect(await chips.count()).toBeGreaterThanOrEqual(2);
    expect(await message.locator('.markdown').textContent()).toMatch(
      /^Offline answer \(no language model is configured\)/,
    );
    await code.scrollIntoViewIfNeeded();
    await screenshot(page, 'offline-code-answer');
  });

  it('shows a study guide with its questions behind answer toggles', async () => {
    await ask(page, 'Make me a study guide');
    const guide = page.getByTestId('message-assistant').last().getByTestId('study-guide');
    await guide.waitFor({ timeout: 30_000 });
    const toggles = guide.getByTestId('toggle-answer');
    expect(await toggles.count()).toBeGreaterThanOrEqual(5);
    await toggles.first().click();
    expect(await guide.getByTestId('study-answer').count()).toBe(1);
    await screenshot(page, 'offline-study-guide');
  });
});
