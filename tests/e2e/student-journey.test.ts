import type { SessionDetail } from '@classchat/contracts';
import { connect } from '@classchat/db';
import { docx, type GoodFixture, type Stack } from '@classchat/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerText,
  growsByAppending,
  longReply,
  newStudent,
  RECORD_STREAM_SNAPSHOTS,
  renderedCitations,
  screenshot,
  signUp,
  startWatchedStack,
  streamSnapshots,
  ask as askIn,
  controlsUnder,
  streamedText as streamedTextIn,
} from './support.js';

const LIMIT_MESSAGE = 'Free plan limit reached (25 chats/month). Upgrade to premium for unlimited chats.';

/**
 * One student's path through the app in a real browser (Debian's Chromium driven by playwright-core)
 * against the real stack — embedded database, rag, api serving the built front end — with the fake
 * model writing at TOKEN_DELAY_MS a token, so the answer can be watched, stopped and reloaded while
 * it is being written. The steps build on each other (the class, the document, the chat).
 */
describe('a student in the browser, against the real stack', () => {
  let stack: Stack;
  let browser: Browser;
  let pdf: GoodFixture;
  let ada: { context: BrowserContext; page: Page };
  let page: Page;
  let documentId = '';
  let sessionId = '';

  const krebs = () => pdf.expected.facts.find((f) => f.page === 3)!;
  /** A model's reply as it is saved: its `[1]` markers written back as `【1】`. */
  const asSaved = (reply: string) => reply.replaceAll('[1]', '【1】');
  const defaultReply = longReply(
    'The Krebs cycle produces NADH and FADH2, which carry electrons onward [1].',
    2,
  );

  async function session(id = sessionId): Promise<SessionDetail> {
    const res = await page.request.get(`/api/v1/chat/sessions/${id}`);
    expect(res.status()).toBe(200);
    return (await res.json()) as SessionDetail;
  }

  const ask = (question: string) => askIn(page, question);

  const streamedText = (chars: number) => streamedTextIn(page, chars);

  beforeAll(async () => {
    ({ stack, browser, pdf } = await startWatchedStack(defaultReply));
    ada = await newStudent(browser, stack.apiUrl);
    page = ada.page;
    await ada.context.addInitScript({ content: RECORD_STREAM_SNAPSHOTS });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs up, creates a class and uploads a PDF that becomes Ready with its pages and passages', async () => {
    await signUp(page, 'Ada Student', 'ada@example.com');
    await page.getByTestId('nav-library').click();
    await page.getByTestId('class-create').click();
    await page.getByLabel('Class name').fill('Biology 101');
    await page.getByRole('button', { name: 'Create class' }).click();
    await expect
      .poll(() => page.getByTestId('class-item').filter({ hasText: 'Biology 101' }).count())
      .toBe(1);
    // The new class is shown with its Rename and Delete, and the toast saying so covers neither.
    await page.getByTestId('class-rename').waitFor();
    expect(await controlsUnder(page.getByTestId('toast'))).toEqual([]);
    await page.getByTestId('class-item').filter({ hasText: 'Biology 101' }).click();

    await page.getByTestId('upload-input').setInputFiles({
      name: pdf.fileName,
      mimeType: 'application/pdf',
      buffer: pdf.bytes,
    });
    const row = page.getByTestId('document-row').filter({ hasText: pdf.fileName });
    await row.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    const status = (await row.getByTestId('document-status').textContent()) ?? '';
    expect(status).toMatch(new RegExp(`^Ready · ${pdf.expected.pageCount} pages · \\d+ passages? indexed$`));
    documentId = (await row.getAttribute('data-document-id')) ?? '';
    expect(documentId).not.toBe('');
    await screenshot(page, '01-library-ready');
  });

  it('asks about a fact on page 3 and sees the answer grow token by token, then its citation', async () => {
    await page.getByRole('link', { name: `Ask about ${pdf.fileName}` }).click();
    await page.waitForURL(/\/chat\?/);
    await ask(krebs().question);

    const first = await streamedText(1);
    await expect.poll(() => page.getByTestId('stop-button').isVisible()).toBe(true);
    const later = await streamedText(first.length + 20);
    expect(later.startsWith(first)).toBe(true);
    expect(await page.getByTestId('stop-button').isVisible()).toBe(true);
    expect(await page.getByTestId('message-assistant').count()).toBe(0);
    await screenshot(page, '02-chat-mid-stream');

    const answer = page.getByTestId('message-assistant');
    await answer.waitFor();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    const chip = answer.getByTestId('citation-chip').first();
    await chip.waitFor();
    expect(await chip.getAttribute('aria-label')).toBe(`Source 1: ${pdf.fileName}, page 3`);
    expect(await page.getByTestId('stop-button').count()).toBe(0);

    // What streamed is exactly what was saved: appended token by token, nothing shown twice.
    const saved = (await session()).messages.at(-1)!;
    expect(saved.role).toBe('assistant');
    expect(saved.content).toBe(asSaved(defaultReply));
    const snapshots = await streamSnapshots(page);
    expect(snapshots.length).toBeGreaterThan(5);
    expect(growsByAppending(snapshots)).toBe(true);
    expect(asSaved(snapshots.at(-1)!)).toBe(saved.content);
    expect(await answerText(page)).toBe(renderedCitations(saved.content, saved.citations));
    await screenshot(page, '03-chat-complete-citations');
  });

  it('opens the viewer from the citation at physical page 3 with the passage highlighted', async () => {
    await page.getByTestId('message-assistant').getByTestId('citation-chip').first().click();
    await page.waitForURL(new RegExp(`/documents/${documentId}\\?page=3&start=\\d+&end=\\d+$`));
    const pdfPage = page.getByTestId('pdf-page');
    await expect.poll(() => pdfPage.getAttribute('data-page')).toBe('3');
    expect(await page.getByTestId('viewer-page-input').inputValue()).toBe('3');
    const marks = page.locator('[data-testid="pdf-text-layer"] mark.hl');
    await marks.first().waitFor();
    expect(await marks.first().isVisible()).toBe(true);
    const highlighted = (await marks.allTextContents()).join(' ').replace(/\s+/g, ' ');
    expect(highlighted).toContain('Krebs cycle');
    // The page shown is the third of the file (its footer prints the label 13, not 3).
    expect(await page.getByTestId('pdf-text-layer').textContent()).toContain('printed page 13');
    expect(await page.getByTestId('cited-passage').isVisible()).toBe(true);
    await screenshot(page, '04-viewer-highlight');
    await page.goBack();
    await page.waitForURL(new RegExp(`/chat/${sessionId}$`));
  });

  it('stops an answer midway: it keeps its partial text and says "stopped"', async () => {
    const full = longReply('Here is the whole cycle, step by step [1].', 14);
    stack.upstream!.enqueue({ reply: full });
    await ask('Walk me through the Krebs cycle step by step');
    // Through the first sentence and its whole marker: a Stop between `[1` and `]` (tokens 40 ms
    // apart) would rightly keep no citation.
    await streamedText(42);
    await page.getByRole('button', { name: 'Stop' }).click();

    const stopped = page.locator('[data-testid="message-assistant"][data-status="stopped"]');
    await stopped.waitFor();
    expect(await stopped.getByTestId('stopped-label').textContent()).toBe('stopped');
    const shown = await answerText(page);
    const saved = (await session()).messages.at(-1)!;
    expect(saved.status).toBe('stopped');
    // At least the 42 characters streamed before Stop were kept, and not the whole answer.
    expect(saved.content.length).toBeGreaterThanOrEqual(42);
    expect(full.length).toBeGreaterThan(saved.content.length);
    // A Stop inside a later marker leaves its opening (`[` or `[1`) as text.
    const kept = saved.content.replace(/\[\d*$/, '');
    expect(asSaved(full).slice(0, kept.length)).toBe(kept);
    // Its [1] still cites the passage: the stopped answer keeps its citations.
    expect(saved.citations.map((c) => c.n)).toEqual([1]);
    expect(shown).toBe(renderedCitations(saved.content, saved.citations));
  });

  it('retries the stopped answer and pages between its two versions', async () => {
    const stoppedText = await answerText(page);
    await page.getByTestId('retry-button').click();
    await streamedText(10);
    await expect.poll(() => page.getByTestId('version-label').textContent()).toBe('Version 2/2');
    expect(await page.getByTestId('message-assistant').count()).toBe(2);
    const last = page.getByTestId('message-assistant').last();
    expect(await last.getAttribute('data-status')).toBe('complete');
    const regenerated = renderedCitations(defaultReply, (await session()).messages.at(-1)!.citations);
    expect(await answerText(page)).toBe(regenerated);

    await page.getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => page.getByTestId('version-label').textContent()).toBe('Version 1/2');
    expect(await answerText(page)).toBe(stoppedText);
    await page.getByRole('button', { name: 'Next version' }).click();
    await expect.poll(() => page.getByTestId('version-label').textContent()).toBe('Version 2/2');
    expect(await answerText(page)).toBe(regenerated);
    await expect.poll(async () => (await session()).messages.at(-1)!.currentVersion).toBe(1);
  });

  it('likes the answer, and the like is still there after a reload', async () => {
    const like = page
      .getByTestId('message-assistant')
      .last()
      .getByRole('button', { name: 'Helpful', exact: true });
    await like.click();
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await session()).messages.at(-1)!.reaction).toBe('like');
    await page.reload();
    await expect
      .poll(() =>
        page
          .getByTestId('message-assistant')
          .last()
          .getByRole('button', { name: 'Helpful', exact: true })
          .getAttribute('aria-pressed'),
      )
      .toBe('true');
  });

  it('reloads the page mid-answer and sees the live answer finish, without duplicated text', async () => {
    const full = longReply('Oxaloacetate is regenerated at the end of every turn [1].', 12);
    stack.upstream!.enqueue({ reply: full });
    const answersBefore = await page.getByTestId('message-assistant').count();
    await ask('What happens to oxaloacetate in the Krebs cycle?');
    const before = await streamedText(60);
    await page.reload();

    // The reloaded page picks the running answer up: what was missed is replayed, then it goes on live.
    const resumed = await streamedText(before.length + 10);
    expect(resumed.startsWith(before)).toBe(true);
    expect(await page.getByTestId('stop-button').isVisible()).toBe(true);
    await expect
      .poll(() => page.getByTestId('message-assistant').count(), { timeout: 30_000 })
      .toBe(answersBefore + 1);
    expect(await page.getByTestId('message-streaming').count()).toBe(0);

    const detail = await session();
    const saved = detail.messages.at(-1)!;
    expect(saved.content).toBe(asSaved(full));
    expect(detail.activeStream ?? null).toBeNull();
    expect(await answerText(page)).toBe(renderedCitations(full, saved.citations));
    const snapshots = await streamSnapshots(page);
    expect(growsByAppending(snapshots)).toBe(true);
    expect(snapshots.at(-1)).toBe(full);
    // The question is on screen once, the answer once.
    const questions = await page.getByTestId('message-user').allTextContents();
    expect(questions.filter((q) => q === 'What happens to oxaloacetate in the Krebs cycle?')).toHaveLength(1);
    expect(await page.getByTestId('message-assistant').count()).toBe(
      detail.messages.filter((m) => m.role === 'assistant').length,
    );
  });

  it('fits a 375 px wide phone screen', async () => {
    const phone = await browser.newContext({
      baseURL: stack.apiUrl,
      viewport: { width: 375, height: 740 },
      storageState: await ada.context.storageState(),
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto(`/chat/${sessionId}`);
      await mobile.getByTestId('message-assistant').first().waitFor();
      const overflow = await mobile.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      await screenshot(mobile, '05-chat-mobile-375');
    } finally {
      await phone.close();
    }
  });

  it('fits a 390 × 844 phone: the class chips right above the class, a toast over no control', async () => {
    const phone = await browser.newContext({
      baseURL: stack.apiUrl,
      viewport: { width: 390, height: 844 },
      storageState: await ada.context.storageState(),
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto('/library');
      await mobile.getByTestId('class-create').click();
      await mobile.getByLabel('Class name').fill('Chemistry');
      await mobile.getByRole('button', { name: 'Create class' }).click();
      const toast = mobile.getByTestId('toast');
      await toast.waitFor();
      await mobile.getByRole('heading', { name: 'Chemistry' }).waitFor();
      expect(await controlsUnder(toast)).toEqual([]);
      // An empty class is shorter than the screen: the chips' row must not stretch to fill it.
      const chips = (await mobile.getByTestId('class-list').boundingBox())!;
      const header = (await mobile.locator('.library__header').boundingBox())!;
      expect(header.y - (chips.y + chips.height)).toBeLessThanOrEqual(20);
      await screenshot(mobile, '05b-library-toast-phone-390');
    } finally {
      await phone.close();
    }
  });

  it('uploads a Word document, asks about it and reads the cited passage highlighted in its text', async () => {
    const word = await docx();
    const mitosis = word.expected.facts[0]!;
    await page.getByTestId('nav-library').click();
    await page.getByTestId('class-item').filter({ hasText: 'Biology 101' }).click();
    await page.getByTestId('upload-input').setInputFiles({
      name: word.fileName,
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: word.bytes,
    });
    const row = page.getByTestId('document-row').filter({ hasText: word.fileName });
    await row.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    const wordId = (await row.getAttribute('data-document-id')) ?? '';

    await page.getByRole('link', { name: `Ask about ${word.fileName}` }).click();
    await page.waitForURL(/\/chat\?/);
    await ask(mitosis.question);
    const chip = page.getByTestId('message-assistant').last().getByTestId('citation-chip').first();
    await chip.waitFor({ timeout: 30_000 });
    expect(await chip.getAttribute('aria-label')).toBe(`Source 1: ${word.fileName}, page 1`);
    await chip.click();
    await page.waitForURL(new RegExp(`/documents/${wordId}\\?page=1&start=\\d+&end=\\d+$`));

    // The document's text as rag read it, the cited passage marked in it and in view.
    const text = page.getByTestId('text-document');
    await text.waitFor();
    expect(await text.textContent()).toContain(mitosis.phrase);
    const mark = page.getByTestId('passage-highlight');
    await mark.waitFor();
    expect(await mark.isVisible()).toBe(true);
    const marked = ((await mark.textContent()) ?? '').trim();
    expect(marked.length).toBeGreaterThan(20);
    expect(word.expected.text).toContain(marked);
    await screenshot(page, '05b-viewer-docx-highlight');
    // Back in the chat once it has read the usage meter (so the next step's change is not read early).
    const usageRead = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/usage'));
    await page.goBack();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await usageRead;
  });

  it('blocks the 26th chat of the month with the free-plan message, and the meter shows the limit', async () => {
    const database = connect(stack.databaseUrl, { max: 1 });
    try {
      await database.pool.query(
        `UPDATE users SET chat_request_count = 25, chat_request_reset_at = date_trunc('month', now() at time zone 'utc') at time zone 'utc' WHERE email = $1`,
        ['ada@example.com'],
      );
    } finally {
      await database.close();
    }
    const messagesBefore = (await session()).messages.length;
    await ask('One more question about glycolysis');
    const toast = page.getByTestId('toast').filter({ hasText: LIMIT_MESSAGE });
    await toast.waitFor();
    expect(await toast.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await expect.poll(() => page.getByTestId('usage-count').textContent()).toBe('25 / 25 chats');
    const notice = page.getByTestId('limit-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain(LIMIT_MESSAGE);
    // Said once on the page (the toast aside), not again as an error under the conversation.
    expect(await page.getByTestId('stream-error').count()).toBe(0);
    expect(await page.getByTestId('send-button').isDisabled()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe(
      'One more question about glycolysis',
    );
    expect((await session()).messages.length).toBe(messagesBefore);
    await screenshot(page, '06-limit-notice');
  });

  it("shows a second student none of the first one's classes, documents or chats", async () => {
    const grace = await newStudent(browser, stack.apiUrl);
    try {
      const other = grace.page;
      await signUp(other, 'Grace Student', 'grace@example.com');
      expect(await other.getByTestId('session-item').count()).toBe(0);
      expect(await other.getByTestId('chat-title').textContent()).toBe('New chat');

      await other.getByTestId('nav-library').click();
      await other.getByTestId('class-list').waitFor();
      await other.getByTestId('class-create').waitFor();
      expect(await other.getByTestId('class-item').count()).toBe(0);
      expect(await other.getByTestId('document-row').count()).toBe(0);
      expect(await other.getByText('Biology 101').count()).toBe(0);

      await other.goto(`/documents/${documentId}?page=3`);
      const notFound = other.getByRole('heading', { name: /not found/i });
      await notFound.waitFor();
      expect(await other.getByTestId('pdf-page').count()).toBe(0);
      expect(await other.getByText(pdf.fileName).count()).toBe(0);
      await screenshot(other, '07-other-student-document-not-found');
      expect((await other.request.get(`/api/v1/documents/${documentId}/file`)).status()).toBe(404);

      await other.goto(`/chat/${sessionId}`);
      await other.getByText('This chat no longer exists.').waitFor();
      expect(await other.getByTestId('message-user').count()).toBe(0);
      expect((await other.request.get(`/api/v1/chat/sessions/${sessionId}`)).status()).toBe(404);
    } finally {
      await grace.context.close();
    }
  });
});
