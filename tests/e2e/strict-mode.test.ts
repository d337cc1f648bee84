import { spawn, type ChildProcess } from 'node:child_process';
import type { SessionDetail } from '@classchat/contracts';
import { freePort, startStack, type Stack } from '@classchat/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerText,
  ask as askIn,
  chatAboutMultiPagePdf,
  FIRST_TOKEN_DELAY_MS,
  growsByAppending,
  launchBrowser,
  longReply,
  newStudent,
  RECORD_STREAM_SNAPSHOTS,
  renderedCitations,
  signUp,
  streamedText as streamedTextIn,
  streamSnapshots,
  TOKEN_DELAY_MS,
  webDir,
} from './support.js';

/**
 * React.StrictMode only double-invokes renders and effects (mount → unmount → mount) in a
 * development build; the production bundle the api serves wraps the app in StrictMode too, but
 * there it checks nothing. So this file runs the app from the Vite dev server (proxying /api and
 * /socket.io to the real stack) and checks that the doubled effects never double a token: every
 * text shown while streaming extends the previous one, and the last one is the saved answer.
 */
describe('the development build (React.StrictMode) streams without duplicate tokens', () => {
  let stack: Stack;
  let browser: Browser;
  let vite: { child: ChildProcess; url: string };
  let student: { context: BrowserContext; page: Page };
  let page: Page;

  // The answers carry no `[n]` marker: this file checks tokens, not citations.
  const reply = longReply('Mitochondria turn glucose into usable energy.', 5);

  async function lastAnswerSaved(): Promise<SessionDetail['messages'][number]> {
    const sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    const res = await page.request.get(`/api/v1/chat/sessions/${sessionId}`);
    expect(res.status()).toBe(200);
    return ((await res.json()) as SessionDetail).messages.at(-1)!;
  }

  const ask = (question: string) => askIn(page, question);

  const streamedText = (chars: number) => streamedTextIn(page, chars);

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    stack.upstream!.setDefault({
      firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
      tokenDelayMs: TOKEN_DELAY_MS,
      reply,
    });
    vite = await startViteDevServer(stack.apiUrl);
    student = await newStudent(browser, vite.url);
    page = student.page;
    await student.context.addInitScript({ content: RECORD_STREAM_SNAPSHOTS });
    // The first visit makes Vite pre-bundle the dependencies; give it time once.
    await page.goto('/signup', { timeout: 120_000 });
  });

  afterAll(async () => {
    await browser?.close();
    if (vite && vite.child.exitCode === null) {
      const exited = new Promise((resolve) => vite.child.once('exit', resolve));
      vite.child.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
  });

  it('is the development build', async () => {
    // Served by Vite's dev server (its client script), so React runs its StrictMode double effects.
    expect(await page.locator('script[src="/@vite/client"]').count()).toBe(1);
  });

  it('shows each token once: the streamed text grows by appending and ends as the saved answer', async () => {
    await signUp(page, 'Strict Student', 'strict@example.com');
    // An answer needs material to answer from: without any, the assistant says so and asks for it.
    await chatAboutMultiPagePdf(page);
    await ask('How do cells get energy?');
    await streamedText(20);
    const answer = page.getByTestId('message-assistant');
    await answer.waitFor();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);

    const saved = await lastAnswerSaved();
    expect(saved.content).toBe(reply);
    const snapshots = await streamSnapshots(page);
    expect(snapshots.length).toBeGreaterThan(5);
    expect(growsByAppending(snapshots)).toBe(true);
    expect(snapshots.at(-1)).toBe(saved.content);
    expect(await answerText(page)).toBe(renderedCitations(saved.content, saved.citations));
  });

  it('after a reload mid-answer, follows the answer to its end exactly once', async () => {
    const full = longReply('Glucose is split in the cytoplasm first.', 10);
    stack.upstream!.enqueue({ reply: full });
    await ask('And where does it start?');
    const before = await streamedText(40);
    await page.reload();
    const resumed = await streamedText(before.length + 5);
    expect(resumed.startsWith(before)).toBe(true);
    await expect.poll(() => page.getByTestId('message-assistant').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('message-streaming').count()).toBe(0);

    const saved = await lastAnswerSaved();
    expect(saved.content).toBe(full);
    const snapshots = await streamSnapshots(page);
    expect(growsByAppending(snapshots)).toBe(true);
    expect(snapshots.at(-1)).toBe(full);
    expect(await answerText(page)).toBe(renderedCitations(full, saved.citations));
    expect(await page.getByTestId('message-user').count()).toBe(2);
  });
});

/** `vite` (dev) for apps/web on a free port, proxying to `apiUrl`; resolves once it serves. */
async function startViteDevServer(apiUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      `${webDir}/node_modules/vite/bin/vite.js`,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    {
      cwd: webDir,
      env: { ...process.env, CLASSCHAT_API_URL: apiUrl, BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(url)).ok) return { child, url };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`vite did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
