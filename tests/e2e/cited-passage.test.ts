import { CSRF_HEADER, CSRF_HEADER_VALUE, type Citation, type SessionDetail } from '@classchat/contracts';
import { connect } from '@classchat/db';
import { renderPdf, startStack, type Stack } from '@classchat/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, ensureWebBuilt, launchBrowser, newStudent, screenshot, signUp } from './support.js';

const FILE_NAME = 'r-data-basics.pdf';

/** Page 2 holds three distinct paragraphs; the cited sentence is the middle one of the middle one. */
const BEFORE = 'Real measurements are often incomplete.';
const SENTENCE =
  'A missing value is recorded as NA, and the function is.na reports which entries of a vector are missing.';
const AFTER = 'Most summaries return NA unless the argument na.rm is set to TRUE.';

const PAGES = [
  {
    heading: '1.1 Vectors',
    // Long enough (over rag's page-break threshold) to be a chunk of its own, so page 2 is one too.
    paragraphs: [
      'A vector holds values of a single type, such as numbers or character strings. Vectors are created with the function c, which combines its arguments in order.',
      'Arithmetic on vectors works element by element: adding two vectors of the same length adds their first elements, then their second elements, and so on to the end. A shorter vector is recycled to the length of the longer one.',
      'Elements are selected with square brackets. A positive index keeps an element, a negative index drops it, and a logical vector keeps the elements where it is true. Names given to the elements can select them as well.',
    ],
    facts: [],
  },
  {
    heading: '1.2 Missing values',
    paragraphs: [
      'Data frames collect variables of equal length side by side. Each column may have its own type, and each row is one observation of the study.',
      `${BEFORE} ${SENTENCE} ${AFTER}`,
      'Factors store categorical data such as treatment groups. Their levels are sorted alphabetically unless an explicit order is given when the factor is created.',
    ],
    facts: [],
  },
];

const OUTLINE = [
  { title: '1 Data basics', level: 1, pageStart: 1, pageEnd: 2 },
  { title: '1.1 Vectors', level: 2, pageStart: 1, pageEnd: 1 },
  { title: '1.2 Missing values', level: 2, pageStart: 2, pageEnd: 2 },
];

/**
 * Each page's raw text, as the citation contract defines it (and rag reads it): PDF.js text items
 * joined, `\n` after an item that ends a line. Computed here on its own so that the link rag builds
 * is checked against the truth, not against itself.
 */
async function rawPageTexts(bytes: Buffer): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      pages.push(
        content.items
          .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
          .join('')
          .replaceAll('\u0000', ''),
      );
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

/** Where `sentence` sits in `text`, whatever whitespace (a line break) separates its words there. */
function spanOf(text: string, sentence: string): { start: number; end: number } {
  const words = sentence.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const match = new RegExp(words.join('\\s+')).exec(text);
  if (!match) throw new Error(`"${sentence}" is not on the page`);
  return { start: match.index, end: match.index + match[0].length };
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The highlighted text of the viewer's text layer, mark by mark. */
async function highlighted(page: Page): Promise<string[]> {
  const marks = page.locator('[data-testid="pdf-text-layer"] mark.hl');
  await marks.first().waitFor();
  return marks.allTextContents();
}

/**
 * A citation of one sentence in the middle of a page, followed from the chat into the viewer and
 * opened again from its link alone (a new tab): both highlight that sentence and not its
 * neighbours. The answer quotes the sentence, which pins its citation to it.
 */
describe('a cited sentence in the PDF viewer, against the real stack', () => {
  let stack: Stack;
  let browser: Browser;
  let student: { context: BrowserContext; page: Page };
  let page: Page;
  let bytes: Buffer;
  let documentId = '';
  let href = '';
  let expectedHref = '';

  beforeAll(async () => {
    ensureWebBuilt();
    [stack, browser, bytes] = await Promise.all([
      startStack(),
      launchBrowser(),
      renderPdf('R data basics', PAGES),
    ]);
    stack.upstream!.setDefault({
      tokenDelayMs: 1,
      reply: `Missing entries are marked, and a function finds them: “${SENTENCE}” [1]`,
    });
    student = await newStudent(browser, stack.apiUrl);
    page = student.page;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('answers with a citation whose link carries the sentence’s span on its page', async () => {
    await signUp(page, 'Noor Student', 'noor@example.com');
    // As the web app sends it: a cookie-authenticated upload needs the CSRF header.
    const uploaded = await page.request.post('/api/v1/documents', {
      headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE },
      multipart: { file: { name: FILE_NAME, mimeType: 'application/pdf', buffer: bytes } },
    });
    expect(uploaded.status()).toBe(201);
    documentId = ((await uploaded.json()) as { document: { id: string } }).document.id;
    await expect
      .poll(
        async () =>
          ((await (await page.request.get(`/api/v1/documents/${documentId}`)).json()) as { status: string })
            .status,
        { timeout: 60_000 },
      )
      .toBe('ready');

    const page2 = (await rawPageTexts(bytes))[1]!;
    const span = spanOf(page2, SENTENCE);
    // The sentence is in the middle of the page and wraps onto a second line.
    expect(page2.slice(span.start, span.end)).toContain('\n');
    expect(flat(page2.slice(0, span.start)).endsWith(BEFORE)).toBe(true);
    expect(flat(page2.slice(span.end)).startsWith(AFTER)).toBe(true);
    expectedHref = `/documents/${documentId}?page=2&start=${span.start}&end=${span.end}`;

    await page.goto(`/chat?doc=${documentId}`);
    await ask(page, 'How is a missing value recorded, and how do I find the missing entries?');
    const chip = page.getByTestId('message-assistant').getByTestId('citation-chip').first();
    await chip.waitFor({ timeout: 30_000 });
    const sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    const detail = (await (
      await page.request.get(`/api/v1/chat/sessions/${sessionId}`)
    ).json()) as SessionDetail;
    const citation: Citation = detail.messages.at(-1)!.citations[0]!;
    expect(citation).toMatchObject({ page: 2, charStart: span.start, charEnd: span.end });
    expect(citation.href).toBe(expectedHref);
    href = (await chip.getAttribute('href')) ?? '';
    expect(href).toBe(expectedHref);
  });

  it('highlights exactly that sentence from the chat, across its line break, and scrolls it into view', async () => {
    await page.getByTestId('message-assistant').getByTestId('citation-chip').first().click();
    await page.waitForURL((url) => `${url.pathname}${url.search}` === href);
    expect(await page.getByTestId('pdf-page').getAttribute('data-page')).toBe('2');

    const marks = await highlighted(page);
    expect(marks.length).toBeGreaterThan(1); // the sentence spans two lines of the page
    expect(flat(marks.join(' '))).toBe(SENTENCE);
    // The lines it shares with its neighbours are marked only in part.
    const layerText = (await page.getByTestId('pdf-text-layer').textContent()) ?? '';
    expect(layerText).toContain(BEFORE);
    expect(layerText).toContain(AFTER.slice(0, 20));

    const first = page.locator('[data-testid="pdf-text-layer"] mark.hl').first();
    expect(await first.isVisible()).toBe(true);
    const box = await first.boundingBox();
    const viewport = page.viewportSize()!;
    expect(box!.y).toBeGreaterThan(0);
    expect(box!.y + box!.height).toBeLessThan(viewport.height);
    expect(flat((await page.getByTestId('cited-passage').textContent()) ?? '')).toContain(SENTENCE);
    await screenshot(page, '08-viewer-cited-sentence');
  });

  it('shows the same highlight when the link is opened in a new tab, and after a reload', async () => {
    const tab = await student.context.newPage();
    try {
      await tab.goto(href);
      expect(flat((await highlighted(tab)).join(' '))).toBe(SENTENCE);
      await tab.reload();
      expect(flat((await highlighted(tab)).join(' '))).toBe(SENTENCE);
      expect(flat((await tab.getByTestId('cited-passage').textContent()) ?? '')).toContain(SENTENCE);
      await screenshot(tab, '09-viewer-cited-sentence-new-tab');
    } finally {
      await tab.close();
    }
  });

  it("names the page's section above it and jumps through the outline, keeping the citation", async () => {
    const database = connect(stack.databaseUrl, { max: 1 });
    try {
      await database.pool.query('UPDATE documents SET outline = $1 WHERE id = $2', [
        JSON.stringify(OUTLINE),
        documentId,
      ]);
    } finally {
      await database.close();
    }
    const tab = await student.context.newPage();
    try {
      await tab.goto(href);
      await highlighted(tab);
      expect(await tab.getByTestId('viewer-section').textContent()).toBe('Section 1.2 Missing values · p. 2');
      await screenshot(tab, '10-viewer-section');

      await tab.getByRole('button', { name: 'Contents' }).click();
      const toc = tab.getByRole('navigation', { name: 'Contents' });
      expect(await toc.getByTestId('toc-entry').count()).toBe(OUTLINE.length);
      await screenshot(tab, '11-viewer-contents');
      await toc.getByRole('button', { name: /^1\.1 Vectors/ }).click();
      await tab.waitForURL((url) => url.search === '?page=1');
      await expect.poll(() => tab.getByTestId('pdf-page').getAttribute('data-page')).toBe('1');
      expect(await tab.getByTestId('viewer-section').textContent()).toBe('Section 1.1 Vectors · p. 1');
      await expect.poll(() => tab.getByTestId('pdf-text-layer').textContent()).toContain('A vector holds');
      expect(await tab.locator('[data-testid="pdf-text-layer"] mark.hl').count()).toBe(0);

      await tab.getByRole('button', { name: 'Go to page 2' }).click();
      await tab.waitForURL((url) => `${url.pathname}${url.search}` === href);
      expect(flat((await highlighted(tab)).join(' '))).toBe(SENTENCE);
    } finally {
      await tab.close();
    }
  });

  it('fits the highlight and the contents on a 375 px wide phone screen', async () => {
    const phone = await browser.newContext({
      baseURL: stack.apiUrl,
      viewport: { width: 375, height: 740 },
      storageState: await student.context.storageState(),
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto(href);
      expect(flat((await highlighted(mobile)).join(' '))).toBe(SENTENCE);
      await mobile.getByRole('button', { name: 'Contents' }).click();
      await mobile.getByRole('navigation', { name: 'Contents' }).waitFor();
      const overflow = await mobile.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      await screenshot(mobile, '12-viewer-contents-mobile-375');
    } finally {
      await phone.close();
    }
  });

  it('keeps the viewer toolbar to two rows on a 390 × 844 phone, the Original download beside the title', async () => {
    const phone = await browser.newContext({
      baseURL: stack.apiUrl,
      viewport: { width: 390, height: 844 },
      storageState: await student.context.storageState(),
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto(href);
      expect(flat((await highlighted(mobile)).join(' '))).toBe(SENTENCE);
      const title = (await mobile.locator('.viewer__title').boundingBox())!;
      const original = (await mobile.getByRole('link', { name: 'Download original' }).boundingBox())!;
      const contents = (await mobile.getByRole('button', { name: 'Contents' }).boundingBox())!;
      const next = (await mobile.getByRole('button', { name: 'Next page' }).boundingBox())!;
      // The download shares the title's row; contents, pager and zoom share the row below.
      expect(original.y).toBeLessThan(title.y + title.height);
      expect(Math.abs(next.y - contents.y)).toBeLessThan(4);
      const bar = (await mobile.locator('.viewer__bar').boundingBox())!;
      expect(bar.y + bar.height).toBeLessThanOrEqual(contents.y + contents.height + 16);
      await screenshot(mobile, '13-viewer-bar-phone-390');
    } finally {
      await phone.close();
    }
  });
});
