import { describe, expect, it } from 'vitest';
import { renumberCitations } from '@classchat/contracts';
import { answerGroups, notQuotedYet } from './answer.js';
import { composeOfflineAnswer, OFFLINE_NOTHING_FOUND } from './index.js';
import { readCorpus, type Sentence } from './model.js';
import type { ScoredSentence } from './select.js';
import { passage } from './test-passages.js';

const frames = passage(
  [
    '6.3 Data frames',
    'A data frame is a list of vectors of equal length, with the class "data.frame". It is',
    'displayed like a matrix, one row per case.',
    'Data frames are made with the data.frame() function, for example:',
    '> accountants <- data.frame(home=statef, loot=incomes, shot=incomef)',
    'Here loot holds the incomes of the accountants.',
  ].join('\n'),
  { pageStart: 27, pageEnd: 27, sectionPath: ['6 Lists and data frames', '6.3 Data frames'] },
);
const vectors = passage(
  [
    'Vectors are the simplest structure. To set up a vector named x, use the function c().',
    'Many functions take a data frame as their first argument.',
  ].join('\n'),
  { chunkIndex: 1, pageStart: 8, pageEnd: 8, charStart: 120 },
);

describe('the offline answer to a question', () => {
  it('quotes the defining sentence first, then how, with the example that follows, each cited', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a data frame?',
      passages: [frames, vectors],
    });
    const md = answer.markdown;
    expect(md.split('\n')[0]).toMatch(/^_Offline answer \(no language model is configured\)/);
    const definition = md.indexOf('A data frame is a list of vectors of equal length');
    const how = md.indexOf('Data frames are made with the data.frame() function');
    expect(definition).toBeGreaterThan(0);
    expect(how).toBeGreaterThan(definition);
    // The example follows the sentence that introduces it, as code.
    expect(md).toContain(
      '```\n> > accountants <- data.frame(home=statef, loot=incomes, shot=incomef)\n> ```',
    );
    // Each quoted sentence carries its own citation marker.
    expect(md.match(/【\d+】/g)!.length).toBeGreaterThanOrEqual(2);
    expect(md).toContain('6 Lists and data frames › 6.3 Data frames · notes.pdf, p. 27');
    const first = answer.citations[0]!;
    expect(first).toMatchObject({ page: 27, sectionPath: ['6 Lists and data frames', '6.3 Data frames'] });
    expect(frames.text.slice(first.charStart!, first.charEnd!)).toMatch(/^A data frame is a list/);
    expect(answer.study).toBeNull();
  });

  it('leads with the passage retrieval ranked first when it answers, the rest in reader’s order', () => {
    // Retrieval put the vectors page first: its sentence leads although the data-frame page holds
    // a definition, which a reader's order alone would put first.
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'Which function makes a data frame or a vector?',
      passages: [vectors, frames],
    });
    const lead = answer.markdown.indexOf('To set up a vector named x, use the function c()');
    const definition = answer.markdown.indexOf('Data frames are made with the data.frame() function');
    expect(lead).toBeGreaterThan(0);
    expect(definition).toBeGreaterThan(lead);
    expect(answer.citations.find((c) => c.n === 1)?.page).toBe(8);
  });

  it('cites the exact characters of each sentence on its page', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'How do I set up a vector?',
      passages: [vectors],
    });
    const c = answer.citations.find((x) => x.snippet.startsWith('To set up a vector'))!;
    // The chunk starts 120 characters into page 8.
    expect(c.charStart).toBe(120 + vectors.text.indexOf('To set up a vector'));
    expect(c.charEnd! - c.charStart!).toBe('To set up a vector named x, use the function c().'.length);
  });

  it('keeps brackets of the source text as text: R output is never a citation marker', () => {
    const output = passage('The levels, as a[2] shows [3], are printed in order:\n[1] "arrests" "assaults"');
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'Which levels are printed?',
      passages: [output],
    });
    expect(answer.markdown).toContain('[1] "arrests" "assaults"');
    expect(answer.markdown).toContain('The levels, as a\\[2] shows \\[3], are printed in order:【1】');
    // Renumbering (what rag and the api do to every answer) finds exactly the answer's own markers.
    const renumbered = renumberCitations(answer.markdown, answer.citations, (c, n) => ({ ...c, n }));
    expect(renumbered.content).toBe(answer.markdown);
    expect(renumbered.citations).toEqual(answer.citations);
  });

  it('says plainly when no passage shares a word with the question', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'Who won the 1998 World Cup?',
      passages: [vectors],
    });
    expect(answer).toEqual({ markdown: OFFLINE_NOTHING_FOUND, citations: [], study: null });
  });

  it('renders a Markdown source as Markdown and a PDF as plain text', () => {
    const md = passage('A list is **not** an atomic vector; use `list()` to make one.', {
      fileName: 'notes.md',
    });
    const pdf = passage('A list is **not** an atomic vector; use `list()` to make one.', {
      fileName: 'notes.pdf',
      chunkIndex: 2,
    });
    const fromMd = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a list?',
      passages: [md],
    }).markdown;
    const fromPdf = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a list?',
      passages: [pdf],
    }).markdown;
    expect(fromMd).toContain('A list is **not** an atomic vector; use `list()` to make one.');
    expect(fromPdf).toContain('A list is \\*\\*not\\*\\* an atomic vector; use \\`list()\\` to make one.');
  });
});

describe('retry', () => {
  const three = passage(
    [
      'A matrix is a two-dimensional array of numbers.',
      'A matrix has rows and columns, and every element has the same type.',
      'Use matrix() to build a matrix from a vector of values.',
      'The function dim() gives the dimensions of a matrix.',
      'A matrix can be transposed with t().',
    ].join('\n\n'),
  );

  it('gives the next best sentences, leaving out what the replaced answer cited', () => {
    const first = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a matrix?',
      passages: [three],
    });
    const next = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a matrix?',
      passages: [three],
      shown: first.citations,
    });
    expect(next.markdown).not.toBe(first.markdown);
    const before = new Set(first.citations.map((c) => c.snippet));
    expect(next.citations.length).toBeGreaterThan(0);
    for (const c of next.citations) expect(before.has(c.snippet)).toBe(false);
  });

  it('gives exactly the first answer again when everything was shown', () => {
    const first = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a matrix?',
      passages: [three],
    });
    const all = [{ documentId: three.documentId, page: 1, charStart: 0, charEnd: three.text.length }];
    const again = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is a matrix?',
      passages: [three],
      shown: all,
    });
    expect(again).toEqual(first);
  });
});

describe('a passage that runs onto the next page', () => {
  it('cites a sentence after the page break on that next page, at its offset there', () => {
    const first = 'Large data sets are read from files.';
    const second = 'The function read.csv() is used to read comma-separated files.';
    const spanning = passage(`${first}\n\n${second}`, {
      pageStart: 5,
      pageEnd: 6,
      charStart: 300,
      charEnd: 300 + first.length,
    });
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'What is read.csv() used for?',
      passages: [spanning],
    });
    const c = answer.citations.find((x) => x.snippet.startsWith('The function read.csv()'))!;
    expect(c).toMatchObject({ page: 6, charStart: 0, charEnd: second.length });
    expect(answer.markdown).toContain('notes.pdf, p. 6');
  });

  it('shows the short example paragraph a sentence ending with a colon announces, as code', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'How should a lab report cite its samples?',
      passages: [
        passage(
          [
            'A lab report cites each sample like this:',
            '',
            'sample-id:batch: description',
            '',
            'Batches are numbered from 1 at the start of each term, and the description is kept short.',
          ].join('\n'),
        ),
      ],
    });
    expect(answer.markdown).toContain(
      'cites each sample like this:【1】\n>\n> ```\n> sample-id:batch: description\n> ```',
    );
  });

  it('goes on with the sentence after the chosen one when it leans on it', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'Why should I keep a lab notebook?',
      passages: [
        passage(
          'Keep a lab notebook for every experiment you run. The purpose of this is that anyone repeating the work later knows what was done. Notebooks are handed in at the end of term.',
        ),
      ],
    });
    expect(answer.markdown).toContain('anyone repeating the work later knows what was done');
    expect(answer.markdown).not.toContain('handed in');
  });
});

describe('the sentences an answer quotes', () => {
  const pick = (sentence: Sentence, score = 1): ScoredSentence => ({ sentence, score, role: 'how' });

  it('gives the place of a sentence already quoted as context to the next one', () => {
    const corpus = readCorpus([
      passage(
        'Keep a notebook for each experiment. The purpose of this is that others can repeat it.\n\nLabel every sample with its date.\n\nStore samples cold.',
      ),
    ]);
    const [keep, purpose, label, store] = corpus.sentences;
    // The purpose is quoted with the notebook sentence it goes on from: it takes no place of its own.
    const chosen = notQuotedYet(
      corpus,
      [keep!, purpose!, label!, store!].map((s) => pick(s)),
      2,
      () => false,
    );
    expect(chosen.map((c) => c.sentence.text)).toEqual([keep!.text, label!.text]);
  });

  it('does not lead with a sentence that only took the place of one quoted as context', () => {
    const corpus = readCorpus([
      passage('Label every sample with its date and the name of whoever took it.'),
      passage('Samples are kept cold until they are measured at the end of the week.', { chunkIndex: 1 }),
    ]);
    const [label, cold] = corpus.sentences.map((s) => pick(s));
    // Retrieval ranked the label passage first, but its sentence only filled a freed place.
    const groups = answerGroups(
      corpus,
      [cold!, label!],
      () => false,
      (c) => c === cold,
    );
    expect(groups[0]!.sentences[0]!.text).toBe(cold!.sentence.text);
    const usual = answerGroups(corpus, [cold!, label!]);
    expect(usual[0]!.sentences[0]!.text).toBe(label!.sentence.text);
  });
});
