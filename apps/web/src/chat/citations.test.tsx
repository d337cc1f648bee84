import type { Citation } from '@classchat/contracts';
import { render, screen, within } from '@testing-library/react';
import { ROUTER_FUTURE } from '../ui/routerFuture.js';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { citation, CHUNK_ID, DOC_ID } from '../test/fakeSocket.js';
import { splitCitationMarkers } from './citationMarkers.js';
import { Markdown } from './Markdown.js';
import { SourcesList } from './SourcesList.js';

function renderMd(
  content: string,
  citations: Citation[] = [citation(1, 3), { ...citation(2, 7), fileName: 'Notes.md' }],
) {
  return render(
    <MemoryRouter future={ROUTER_FUTURE}>
      <Markdown content={content} citations={citations} />
    </MemoryRouter>,
  );
}

describe('splitCitationMarkers', () => {
  it('finds 【n】, adjacent 【n】【m】 and grouped 【n, m】 markers', () => {
    expect(splitCitationMarkers('A【1】 b【2】【3】 c【4, 5】.', { style: 'lenticular' })).toEqual([
      { kind: 'text', value: 'A' },
      { kind: 'cite', n: 1 },
      { kind: 'text', value: ' b' },
      { kind: 'cite', n: 2 },
      { kind: 'cite', n: 3 },
      { kind: 'text', value: ' c' },
      { kind: 'cite', n: 4 },
      { kind: 'cite', n: 5 },
      { kind: 'text', value: '.' },
    ]);
  });

  it('leaves square brackets alone in an answer with lenticular markers', () => {
    expect(splitCitationMarkers('R prints [1] "arrests" and a[2]', { style: 'lenticular' })).toEqual([
      { kind: 'text', value: 'R prints [1] "arrests" and a[2]' },
    ]);
  });

  it('reads [n] in old answers, only for numbers their citations explain', () => {
    const accepts = (n: number) => n === 1;
    expect(splitCitationMarkers('A [1] b [7].', { style: 'brackets', accepts })).toEqual([
      { kind: 'text', value: 'A ' },
      { kind: 'cite', n: 1 },
      { kind: 'text', value: ' b [7].' },
    ]);
  });
});

describe('citation chips in answers', () => {
  it('turns each 【n】 marker into a chip that opens the viewer at the cited page', () => {
    renderMd('Eigenvectors keep their direction【1】. See also the notes【2】.');
    const chips = screen.getAllByTestId('citation-chip');
    expect(chips.map((c) => c.textContent)).toEqual(['1', '2']);
    expect(chips[0]).toHaveProperty('tagName', 'A');
    expect(chips[0]!.getAttribute('href')).toBe(`/documents/${DOC_ID}?page=3&chunk=${CHUNK_ID}`);
    expect(screen.getByRole('link', { name: 'Source 2: Notes.md, page 7' })).toBeTruthy();
  });

  it('never makes a chip of brackets quoted from the source', () => {
    const { container } = renderMd('> The levels print as \\[1] "arrests", a\\[2] and see \\[3]【1】');
    expect(screen.getAllByTestId('citation-chip')).toHaveLength(1);
    expect(container.textContent).toContain('[1] "arrests", a[2] and see [3]');
  });

  it('still shows chips in answers saved with [n] markers', () => {
    renderMd('Eigenvectors keep their direction [1]. See also [2].');
    expect(screen.getAllByTestId('citation-chip').map((c) => c.textContent)).toEqual(['1', '2']);
  });

  it('opens the span a citation carries, building its address when the citation has no link', () => {
    renderMd('Spans【1】. Old【2】.', [
      { ...citation(1, 17), href: '', charStart: 1234, charEnd: 1310 },
      { ...citation(2, 4), href: '', charStart: null, charEnd: null },
    ]);
    const [span, chunk] = screen.getAllByTestId('citation-chip');
    expect(span!.getAttribute('href')).toBe(`/documents/${DOC_ID}?page=17&start=1234&end=1310`);
    expect(chunk!.getAttribute('href')).toBe(`/documents/${DOC_ID}?page=4&chunk=${CHUNK_ID}`);
  });

  it('renders a marker without a matching citation as plain text, not a link', () => {
    renderMd('Unknown source【9】.');
    expect(screen.queryByTestId('citation-chip')).toBeNull();
    expect(screen.getByText('[9]')).toBeTruthy();
  });

  it('keeps a marker written right after a bare URL or address out of the link, as a chip', () => {
    const { container } = renderMd(
      'See https://lists.gnu.org/archive/html/【1】 and www.gnu.org【2】. Mail help@gnu.org【1, 2】, see https://x.org/a.html.【2】',
    );
    const links = [...container.querySelectorAll('a:not([data-testid="citation-chip"])')];
    expect(links.map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
      ['https://lists.gnu.org/archive/html/', 'https://lists.gnu.org/archive/html/'],
      ['http://www.gnu.org', 'www.gnu.org'],
      ['mailto:help@gnu.org', 'help@gnu.org'],
      ['https://x.org/a.html', 'https://x.org/a.html'],
    ]);
    expect(screen.getAllByTestId('citation-chip').map((c) => c.textContent)).toEqual([
      '1',
      '2',
      '1',
      '2',
      '2',
    ]);
    // The period that ends the sentence stays text between the address and its chip.
    expect(container.textContent).toContain('https://x.org/a.html.2');
    expect(container.textContent).not.toContain('【');
  });

  it('does not touch brackets or markers inside code', () => {
    const { container } = renderMd('Index `a【1】` and\n\n```\nb[2]\n```\n\nreal【1】');
    expect(container.querySelector('code')?.textContent).toBe('a【1】');
    expect(container.querySelector('pre')?.textContent).toContain('b[2]');
    expect(screen.getAllByTestId('citation-chip')).toHaveLength(1);
  });

  it('keeps chips inside lists, emphasis and tables, next to formulas', () => {
    const { container } = renderMd(
      '- **Key idea**【1】\n- $\\lambda v = Av$ holds【2】\n\n| a | b |\n|---|---|\n| x【1】 | y |',
    );
    expect(screen.getAllByTestId('citation-chip')).toHaveLength(3);
    expect(container.querySelector('.katex')).not.toBeNull();
  });

  it('lists sources as file name · p. N, in marker order', () => {
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <SourcesList citations={[{ ...citation(2, 7), fileName: 'Notes.md' }, citation(1, 3)]} />
      </MemoryRouter>,
    );
    const items = within(screen.getByTestId('sources')).getAllByTestId('source-link');
    expect(items.map((i) => i.textContent)).toEqual([
      '1Lecture 4 — Eigenvalues.pdf· p. 3',
      '2Notes.md· p. 7',
    ]);
  });

  it('lists each document, section and page once with all its markers, while every chip opens its own passage', () => {
    // A summary: nine quotes of one section on page 1, then two sections sharing page 3.
    const at = (n: number, page: number, section: string): Citation => ({
      ...citation(n, page),
      href: `/documents/${DOC_ID}?page=${page}&start=${n * 100}&end=${n * 100 + 50}`,
      sectionPath: ['Unit 4', section],
    });
    const citations = [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => at(n, 1, 'Cell membranes')),
      at(10, 3, 'The Krebs cycle'),
      at(11, 3, 'Oxidative phosphorylation'),
      at(12, 3, 'The Krebs cycle'),
      { ...at(13, 3, 'The Krebs cycle'), fileName: 'Notes.md', documentId: CHUNK_ID },
    ];
    const content = citations.map((c) => `Point ${c.n}【${c.n}】.`).join(' ');
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <Markdown content={content} citations={citations} />
        <SourcesList citations={citations} />
      </MemoryRouter>,
    );
    const rows = within(screen.getByTestId('sources')).getAllByTestId('source-link');
    expect(rows.map((r) => r.textContent)).toEqual([
      '1–9Cell membranesLecture 4 — Eigenvalues.pdf· p. 1',
      '10, 12The Krebs cycleLecture 4 — Eigenvalues.pdf· p. 3',
      '11Oxidative phosphorylationLecture 4 — Eigenvalues.pdf· p. 3',
      '13The Krebs cycleNotes.md· p. 3',
    ]);
    expect(rows.map((r) => r.getAttribute('href'))).toEqual(
      [1, 10, 11, 13].map((n) => citations[n - 1]!.href),
    );
    const chips = screen.getAllByTestId('citation-chip');
    expect(chips.map((c) => c.getAttribute('href'))).toEqual(citations.map((c) => c.href));
  });
});
