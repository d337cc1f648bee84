// Visual check: serves nothing itself — point it at a running `vite preview` (or dev) server and it
// drives Debian's chromium through the main screens with `/api/v1/*` answered by plausible JSON.
//   node scripts/screenshots.mjs [baseUrl] [outDir] [pdfPath]
// SHOTS=<regex> takes only the shots whose names match (e.g. SHOTS=phone).
import { readFile, mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:4173';
const out = process.argv[3] ?? '../../test-output';
const pdfPath = process.argv[4] ?? '../../test-output/fixture.pdf';
await mkdir(out, { recursive: true });
const pdf = await readFile(pdfPath).catch(() => null);
const only = process.env.SHOTS ? new RegExp(process.env.SHOTS) : null;

const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60_000).toISOString();
const uuid = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const user = { id: uuid(1), email: 'maya@example.edu', name: 'Maya Chen', plan: 'free' };
const classes = [
  { id: uuid(10), name: 'Cell Biology 101', documentCount: 3, createdAt: iso(9000) },
  { id: uuid(11), name: 'Linear Algebra', documentCount: 2, createdAt: iso(8000) },
  { id: uuid(12), name: 'Modern European History', documentCount: 0, createdAt: iso(7000) },
];
const doc = (n, fileName, mimeType, extra) => ({
  id: uuid(n),
  classId: uuid(10),
  fileName,
  mimeType,
  byteSize: 350_000 + n * 1000,
  sha256: 'x',
  status: 'ready',
  pageCount: 14,
  chunkCount: 52,
  error: null,
  createdAt: iso(n * 30),
  readyAt: iso(n * 30 - 1),
  ...extra,
});
const documents = [
  doc(20, 'Unit 4 — Cells and Metabolism.pdf', 'application/pdf', {
    pageCount: 5,
    chunkCount: 102,
    outline: [
      { title: 'Cell membranes', level: 1, pageStart: 1, pageEnd: 1 },
      { title: 'Glycolysis', level: 1, pageStart: 2, pageEnd: 2 },
      { title: 'The Krebs cycle', level: 1, pageStart: 3, pageEnd: 5 },
    ],
  }),
  doc(21, 'Lecture 7 slides.pdf', 'application/pdf', {
    status: 'processing',
    pageCount: null,
    chunkCount: null,
  }),
  doc(22, 'Lab notes week 3.md', 'text/markdown', { pageCount: 1, chunkCount: 4 }),
  doc(
    23,
    'Reading — Krebs cycle.docx',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    {
      status: 'failed',
      pageCount: null,
      chunkCount: null,
      error: 'The file has no readable text (is it a scanned image?)',
    },
  ),
];
const cite = (n, page, snippet) => ({
  n,
  documentId: uuid(20),
  fileName: 'Unit 4 — Cells and Metabolism.pdf',
  page,
  chunkId: uuid(100 + n),
  snippet,
  charStart: null,
  charEnd: null,
  href: `/documents/${uuid(20)}?page=${page}&chunk=${uuid(100 + n)}`,
});
const citations = [
  cite(
    1,
    2,
    'The first half of glycolysis is an investment phase that spends two ATP to phosphorylate glucose.',
  ),
  cite(
    2,
    2,
    'The second half is a payoff phase that makes four ATP and two NADH, so the net yield of glycolysis is two ATP per glucose.',
  ),
  cite(3, 1, 'Small nonpolar molecules such as oxygen cross the membrane by simple diffusion.'),
];
const answer = `Glycolysis happens in two phases:

1. **Investment phase** — the cell *spends* 2 ATP to phosphorylate glucose [1].
2. **Payoff phase** — it makes 4 ATP and 2 NADH [2].

So the net yield is

$$\\text{ATP}_{\\text{net}} = 4 - 2 = 2 \\text{ ATP per glucose}$$

Oxygen is not needed for these steps; it only matters later, and it reaches the mitochondria by simple diffusion across the membrane [3].`;
const sessions = [
  { id: uuid(30), title: 'Net ATP yield of glycolysis', minutes: 5 },
  { id: uuid(31), title: 'Fluid mosaic model', minutes: 60 * 3 },
  { id: uuid(32), title: 'Eigenvalues vs eigenvectors', minutes: 60 * 26 },
  { id: uuid(33), title: 'Study guide: Unit 4', minutes: 60 * 24 * 3 },
  { id: uuid(34), title: 'Summary of Lecture 6', minutes: 60 * 24 * 12 },
].map((s) => ({
  id: s.id,
  title: s.title,
  assignedClass: uuid(10),
  assignedDocument: null,
  source: 'main_app',
  ephemeral: false,
  createdAt: iso(s.minutes + 10),
  updatedAt: iso(s.minutes),
}));
const messages = [
  {
    id: uuid(40),
    position: 0,
    role: 'user',
    content: 'How much ATP does glycolysis make, and does it need oxygen?',
    citations: [],
    chunkReferences: [],
    versions: [],
    currentVersion: 0,
    reaction: null,
    route: null,
    status: 'complete',
    createdAt: iso(6),
  },
  {
    id: uuid(41),
    position: 1,
    role: 'assistant',
    content: answer,
    citations,
    chunkReferences: [],
    versions: [
      { content: 'An earlier answer', citations: [], chunkReferences: [], createdAt: iso(6) },
      { content: answer, citations, chunkReferences: [], createdAt: iso(5) },
    ],
    currentVersion: 1,
    reaction: 'like',
    route: 'general_qa',
    status: 'complete',
    createdAt: iso(5),
  },
];

// A section-by-section summary: many sentences, each cited, several from the same section and page.
const summarySections = [
  ['1 Cell membranes', 1, 9],
  ['2 Glycolysis', 2, 12],
  ['3 The Krebs cycle', 3, 14],
  ['4 Oxidative phosphorylation', 3, 12],
];
const summaryCitations = [];
const summaryParts = [];
for (const [section, page, count] of summarySections) {
  const markers = [];
  for (let i = 0; i < count; i++) {
    const n = summaryCitations.length + 1;
    summaryCitations.push({
      ...cite(n, page, `A sentence of ${section}, number ${i + 1}.`),
      sectionPath: ['Unit 4 — Cells and Metabolism', section],
    });
    markers.push(`【${n}】`);
  }
  summaryParts.push(
    `**${section}.** The key points of this section, each quoted from it ${markers.join('')}.`,
  );
}
const summaryAnswer = `Summary of Unit 4 — Cells and Metabolism, section by section:\n\n${summaryParts.join('\n\n')}`;
const summaryMessages = [
  { ...messages[0], content: 'Summarize Unit 4' },
  {
    ...messages[1],
    id: uuid(42),
    content: summaryAnswer,
    citations: summaryCitations,
    versions: [
      { content: summaryAnswer, citations: summaryCitations, chunkReferences: [], createdAt: iso(5) },
    ],
    currentVersion: 0,
    reaction: null,
    route: 'summary',
  },
];

async function mockApi(page, { signedIn, usage }) {
  await page.route('**/socket.io/**', (route) => route.abort());
  await page.route('**/api/v1/**', async (route) => {
    const url = new URL(route.request().url());
    const path = url.pathname.replace('/api/v1', '');
    const json = (body, status = 200) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (path === '/user/auth-status')
      return signedIn ? json({ user }) : json({ message: 'Not signed in', code: 'unauthorized' }, 401);
    if (path === '/user/usage') return json(usage);
    if (path === '/classes' && route.request().method() === 'POST') return json(classes[2], 201);
    if (path === '/classes') return json({ classes });
    if (path === '/documents') {
      const classId = url.searchParams.get('classId');
      return json({ documents: classId && classId !== uuid(10) ? [] : documents });
    }
    if (path === '/chat/sessions') return json({ sessions });
    if (path === `/chat/sessions/${uuid(34)}`)
      return json({ session: sessions[4], messages: summaryMessages });
    if (path.startsWith('/chat/sessions/')) return json({ session: sessions[0], messages });
    if (path.endsWith('/file') && pdf)
      return route.fulfill({ status: 200, contentType: 'application/pdf', body: pdf });
    if (path.startsWith('/documents/')) return json(documents[0]);
    return json({ message: 'Not found', code: 'not_found' }, 404);
  });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const usageFree = { plan: 'free', used: 12, limit: 25, resetsAt: '2025-12-01T00:00:00.000Z' };
const usageLimit = { plan: 'free', used: 25, limit: 25, resetsAt: '2025-12-01T00:00:00.000Z' };
const errors = [];

async function shoot(
  name,
  width,
  height,
  { signedIn = true, usage = usageFree, path, act, colorScheme = 'light' },
) {
  if (only && !only.test(name)) return;
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    colorScheme,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/socket\.io|ERR_FAILED|401/.test(m.text()))
      errors.push(`${name}: ${m.text()}`);
  });
  await mockApi(page, { signedIn, usage });
  await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
  if (act) await act(page);
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: false });
  await context.close();
  console.log('wrote', `${out}/${name}.png`);
}

for (const [w, h, tag] of [
  [1280, 800, 'desktop'],
  [375, 812, 'mobile'],
]) {
  await shoot(`login-${tag}`, w, h, { signedIn: false, path: '/login' });
  await shoot(`signup-errors-${tag}`, w, h, {
    signedIn: false,
    path: '/signup',
    act: (p) => p.getByRole('button', { name: 'Create account' }).click(),
  });
  await shoot(`library-${tag}`, w, h, { path: `/library?class=${uuid(10)}` });
  await shoot(`chat-${tag}`, w, h, { path: `/chat/${uuid(30)}` });
  await shoot(`chat-new-limit-${tag}`, w, h, { path: '/chat', usage: usageLimit });
  await shoot(`viewer-${tag}`, w, h, {
    path: `/chat/${uuid(30)}`,
    act: async (p) => {
      await p.getByTestId('citation-chip').nth(1).click();
      await p.waitForSelector('mark.hl', { timeout: 8000 }).catch(() => errors.push('viewer: no highlight'));
      await p.waitForTimeout(600);
    },
  });
}
await shoot('library-delete-dialog-desktop', 1280, 800, {
  path: `/library?class=${uuid(10)}`,
  act: (p) => p.getByTestId('class-delete').click(),
});
await shoot('chat-drawer-mobile', 375, 812, {
  path: `/chat/${uuid(30)}`,
  act: (p) => p.getByTestId('open-sessions').click(),
});
await shoot('chat-dark-desktop', 1280, 800, { path: `/chat/${uuid(30)}`, colorScheme: 'dark' });
await shoot('library-upload-errors-desktop', 1280, 800, {
  path: `/library?class=${uuid(10)}`,
  act: (p) =>
    p.getByTestId('upload-input').setInputFiles([
      { name: 'slides.pptx', mimeType: 'application/octet-stream', buffer: Buffer.from('x') },
      { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
    ]),
});

// A phone (390 × 844): the library's class chips, the viewer's toolbar, a toast after an action.
for (const [w, h, tag] of [
  [1280, 800, 'desktop'],
  [390, 844, 'phone'],
]) {
  await shoot(`library-empty-class-${tag}`, w, h, { path: `/library?class=${uuid(12)}` });
  await shoot(`library-created-toast-${tag}`, w, h, {
    path: `/library?class=${uuid(10)}`,
    act: async (p) => {
      await p.getByTestId('class-create').click();
      await p.getByLabel('Class name').fill('Modern European History');
      await p.getByRole('button', { name: 'Create class' }).click();
      await p.getByTestId('toast').waitFor();
    },
  });
  await shoot(`chat-summary-sources-${tag}`, w, h, {
    path: `/chat/${uuid(34)}`,
    act: (p) => p.getByTestId('sources').scrollIntoViewIfNeeded(),
  });
}
// A failed reaction shows an error toast on the chat page: above the composer on a phone.
await shoot('chat-error-toast-phone', 390, 844, {
  path: `/chat/${uuid(30)}`,
  act: async (p) => {
    await p.getByTestId('dislike-button').click();
    await p.getByTestId('toast').waitFor();
  },
});
await shoot('library-phone', 390, 844, { path: `/library?class=${uuid(10)}` });
await shoot('viewer-phone', 390, 844, {
  path: `/chat/${uuid(30)}`,
  act: async (p) => {
    await p.getByTestId('citation-chip').nth(1).click();
    await p.waitForSelector('mark.hl', { timeout: 8000 }).catch(() => errors.push('viewer: no highlight'));
    await p.waitForTimeout(600);
  },
});

await browser.close();
if (errors.length) {
  console.log('page errors:\n' + errors.join('\n'));
  process.exitCode = 1;
}
