import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { markerPattern, markerStyleOf } from '@classchat/contracts';
import { multiPagePdf, splitTokens, startStack, type GoodFixture, type Stack } from '@classchat/testkit';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const webDir = join(repoRoot, 'apps/web');
/** Screenshots of the main screens (git-ignored), looked at by a person after a run. */
export const screenshotDir = join(repoRoot, 'test-output/e2e');

/** The fake model's pace: slow enough that a test sees an answer while it is being written. */
export const TOKEN_DELAY_MS = 40;
export const FIRST_TOKEN_DELAY_MS = 250;

/** The api serves apps/web/dist; `npm test` builds it first, a run by hand may not have. */
export function ensureWebBuilt(): void {
  if (existsSync(join(webDir, 'dist/index.html'))) return;
  execFileSync('npx', ['vite', 'build'], { cwd: webDir, stdio: 'ignore' });
}

/**
 * The served product, a browser and the multi-page PDF, with the fake model writing `reply` at the
 * watchable pace above: what a test that follows a student through the built web app starts from.
 */
export async function startWatchedStack(
  reply: string,
): Promise<{ stack: Stack; browser: Browser; pdf: GoodFixture }> {
  ensureWebBuilt();
  const [stack, browser, pdf] = await Promise.all([startStack(), launchBrowser(), multiPagePdf()]);
  stack.upstream!.setDefault({
    firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
    tokenDelayMs: TOKEN_DELAY_MS,
    reply,
  });
  return { stack, browser, pdf };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A fresh browser context (own cookies and storage): one per student. */
export async function newStudent(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Finite animations (toasts sliding in, the usage bar filling) are shown at their end state.
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

/** Whatever a student can press or type in, outside a toast. */
const CONTROLS = ':is(button, a[href], input, select, textarea):not([data-testid="toast"] *)';

/**
 * The visible controls (buttons, links, fields) that `cover` lies over, named by their label, test
 * id or text: a toast must leave every one of them reachable.
 */
export async function controlsUnder(cover: Locator): Promise<string[]> {
  const box = await cover.boundingBox();
  if (!box) throw new Error('the covering element is not on screen');
  const under: string[] = [];
  for (const control of await cover.page().locator(CONTROLS).all()) {
    const r = await control.boundingBox();
    if (!r || r.width === 0 || r.height === 0) continue;
    const overlaps =
      r.x < box.x + box.width && r.x + r.width > box.x && r.y < box.y + box.height && r.y + r.height > box.y;
    if (!overlaps) continue;
    under.push(
      (await control.getAttribute('aria-label')) ??
        (await control.getAttribute('data-testid')) ??
        ((await control.textContent()) ?? '').trim(),
    );
  }
  return under;
}

/** Sign up through the form; ends on the chat page. */
export async function signUp(
  page: Page,
  name: string,
  email: string,
  password = 'correct horse battery',
): Promise<void> {
  await page.goto('/signup');
  await page.getByTestId('auth-name').fill(name);
  await page.getByTestId('auth-email').fill(email);
  await page.getByTestId('auth-password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/chat$/);
}

/**
 * A long, plain (markdown-free, one paragraph) answer citing source 1, so that the text a student
 * sees while it streams is exactly the saved text and there is time to act mid-answer.
 */
export function longReply(lead: string, sentences: number): string {
  const filler = [
    'Each turn of the cycle also releases carbon dioxide as a waste product.',
    'The electron carriers then feed the electron transport chain in the inner membrane.',
    'Students often confuse this stage with glycolysis, which happens in the cytoplasm.',
    'Reviewing the diagram on this page helps to remember the order of the steps.',
  ];
  const parts = [lead];
  for (let i = 0; i < sentences; i++) parts.push(filler[i % filler.length]!);
  return parts.join(' ');
}

/** How many tokens the fake upstream streams for `text`. */
export const tokenCount = (text: string): number => splitTokens(text).length;

/**
 * Records every text the streaming answer shows, from the page's first script on (it survives
 * reloads): `window.__streamSnapshots`, in order, one entry per change.
 */
export const RECORD_STREAM_SNAPSHOTS = `
  window.__streamSnapshots = [];
  new MutationObserver(() => {
    const el = document.querySelector('[data-testid="streaming-answer"] .markdown');
    if (!el) return;
    const text = el.textContent ?? '';
    const all = window.__streamSnapshots;
    if (all[all.length - 1] !== text) all.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

export async function streamSnapshots(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __streamSnapshots: string[] }).__streamSnapshots);
}

/** Every snapshot extends the one before it (tokens are only ever appended, never repeated). */
export function growsByAppending(snapshots: readonly string[]): boolean {
  return snapshots.every((s, i) => i === 0 || s.startsWith(snapshots[i - 1]!));
}

/** The rendered text of an answer's markdown (citation chips read as their number). */
export async function answerText(page: Page, messageId?: string): Promise<string> {
  const selector = messageId
    ? `[data-testid="message-assistant"][data-message-id="${messageId}"] .markdown`
    : '[data-testid="message-assistant"] .markdown';
  return (await page.locator(selector).last().textContent()) ?? '';
}

/**
 * How a saved answer reads once rendered: the markers of its citations (`【n】`, or `[n]` in an
 * answer without any `【n】`) become chips showing `n`; a `【n】` without a citation shows as `[n]`,
 * a `[n]` without one stays text.
 */
export const renderedCitations = (content: string, citations: readonly { n: number }[]): string => {
  const style = markerStyleOf(content);
  return content.replace(markerPattern(style), (marker, group: string) => {
    const cited = citations.some((c) => c.n === Number(group));
    return cited ? group : style === 'lenticular' ? `[${group}]` : marker;
  });
};

/** Types a question into the composer and sends it with Enter. */
export async function ask(page: Page, question: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Message' });
  await input.fill(question);
  await input.press('Enter');
}

/** Waits until the answer being written shows at least `chars` characters; returns them. */
export async function streamedText(page: Page, chars: number): Promise<string> {
  const live = page.locator('[data-testid="streaming-answer"] .markdown');
  await expect
    .poll(async () => ((await live.count()) ? ((await live.textContent()) ?? '') : '').length)
    .toBeGreaterThanOrEqual(chars);
  return (await live.textContent()) ?? '';
}

/**
 * Creates a class in the library, uploads `file` into it and waits until it is ready; returns the
 * document's id. The page is left on the class's library view.
 */
export async function uploadToNewClass(
  page: Page,
  className: string,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<string> {
  await page.getByTestId('nav-library').click();
  await page.getByTestId('class-create').click();
  await page.getByLabel('Class name').fill(className);
  await page.getByRole('button', { name: 'Create class' }).click();
  const item = page.getByTestId('class-item').filter({ hasText: className });
  await item.waitFor();
  await item.click();
  await page.getByTestId('upload-input').setInputFiles(file);
  const row = page.getByTestId('document-row').filter({ hasText: file.name });
  await row.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
  return (await row.getAttribute('data-document-id')) ?? '';
}

/** Uploads the multi-page PDF to a new class "Biology" and opens a new chat about it: material to answer from. */
export async function chatAboutMultiPagePdf(page: Page): Promise<void> {
  const pdf = await multiPagePdf();
  await uploadToNewClass(page, 'Biology', {
    name: pdf.fileName,
    mimeType: 'application/pdf',
    buffer: Buffer.from(pdf.bytes),
  });
  await page.getByRole('link', { name: `Ask about ${pdf.fileName}` }).click();
  await page.waitForURL(/\/chat\?/);
}
