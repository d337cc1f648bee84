import { describe, expect, it } from 'vitest';
import { composeOfflineAnswer } from './index.js';
import { readCorpus } from './model.js';
import {
  isSignature,
  quotable,
  redundancyVector,
  scoreSentences,
  selectSentences,
  withContext,
} from './select.js';
import { cosine, vectorOf } from './similarity.js';
import { termsOf } from './terms.js';
import { passage } from './test-passages.js';
import { idfWeights, weightsFrom } from './weights.js';

/** The sentence chosen first for a question over one passage, with every question term weighing 1. */
function best(text: string, question: string): string | undefined {
  const corpus = readCorpus([passage(text)]);
  const weights = weightsFrom(new Map(termsOf(question).map((t) => [t, 1])));
  return selectSentences(corpus, question, weights, { max: 1 })[0]?.sentence.text;
}

describe('choosing the sentence that answers', () => {
  it('prefers, for a how-to question, the sentence with the command written in it', () => {
    const text =
      'Before leaving the program, it is wise to save your files. Leaving the program is done with quit or \\q at the prompt.';
    expect(best(text, 'How do I leave the program?')).toMatch(/quit or \\q/);
  });

  it('prefers, for a question asking which function, the sentence that names it as code', () => {
    const text =
      'Long options are parsed by a library function in most programs. Most programs parse long options with the function getopt_long.';
    expect(best(text, 'Which function parses long options?')).toMatch(/getopt_long/);
  });

  it('answers "what does % mean" with the sentence that says what % means', () => {
    const text =
      'The operator % gives the modulo, with the sign of the divisor. Type log(%) right after a computation; % means the result of the last computed expression.';
    expect(best(text, 'What does the % sign mean?')).toMatch(/% means the result/);
  });

  it('matches the symbols a question asks about', () => {
    const text =
      'Paths differ in colour and width, and any path can be filled. A path joins points with --, which denotes a straight line, or .., which denotes a cubic spline.';
    expect(best(text, "What's the difference between -- and .. in a path?")).toMatch(/cubic spline/);
  });

  it('takes a reference-manual entry as the definition of the term it names', () => {
    const text = [
      'Every target should be documented, including check and install.',
      '',
      '‘check’ Perform self-tests, if there are any, on the program just built.',
    ].join('\n');
    expect(best(text, "What is the 'check' target for?")).toMatch(/Perform self-tests/);
  });

  it('answers "what does -x do" with the option-list entry that names -x', () => {
    const text = [
      'The set builtin changes the shell options. When an option is set with -x or -e, its letter is added to the $- variable.',
      '',
      '-a Each variable or function that is created or modified is given the export attribute.',
      '',
      '-e Exit immediately if a pipeline returns a non-zero status.',
      '',
      '-x Print a trace of simple commands after they are expanded.',
    ].join('\n');
    expect(best(text, 'What does set -e do in a script?')).toMatch(/^-e Exit immediately/);
  });

  it('prefers, for "which function…", the sentence that names a function to one sharing more words', () => {
    const question = 'Which function should I use to parse long options like --output?';
    const corpus = readCorpus([
      passage(
        'If the output of your program is likely to be parsed by another program, provide an option that makes this parsing reliable.\n\nLong options are easy to handle with the GNU function getopt_long.',
      ),
    ]);
    // As retrieval weighs them: the student's example word is the rarest.
    const weights = weightsFrom(
      new Map([
        ['function', 0.5],
        ['pars', 1],
        ['long', 1],
        ['option', 0.5],
        ['output', 2.5],
      ]),
    );
    const [first] = selectSentences(corpus, question, weights, { max: 1 });
    expect(first?.sentence.text).toMatch(/getopt_long/);
  });

  it('counts for a sentence the question’s words of the sentence it leans on', () => {
    const question = 'Which function parses long options?';
    const leaning = 'This is easy to do with the GNU function getopt_long.';
    const score = (before: string) => {
      const corpus = readCorpus([passage(`${before} ${leaning}`)]);
      const found = scoreSentences(corpus, question, idfWeights(question, [new Set(['x'])]));
      return found.find((c) => c.sentence.text === leaning)?.raw ?? 0;
    };
    expect(score('Please define long-named options for every option.')).toBeGreaterThan(
      score('Please write the manual in plain English.'),
    );
  });

  it('does not quote alone a paragraph that opens in lowercase: the layout broke it off a sentence', () => {
    const corpus = readCorpus([
      passage('Example: the fmt program.\n\nfilter for simple filling of text. It is short and clear.'),
    ]);
    const broken = corpus.sentences.find((s) => s.text.startsWith('filter for'))!;
    expect(quotable(broken)).toBe(false);
  });
});

describe('redundancy between chosen sentences', () => {
  it('counts the question’s own words for little: sharing them is what makes both relevant', () => {
    const question = termsOf('logscale base');
    const a = termsOf('Set the logscale base with set logscale y 2.');
    const b = termsOf('A logscale base below one is refused with an error.');
    const plain = cosine(vectorOf(a), vectorOf(b));
    const weighed = cosine(redundancyVector(a, question), redundancyVector(b, question));
    expect(weighed).toBeLessThan(plain / 2);
    // The same sentence twice is still redundant.
    expect(cosine(redundancyVector(a, question), redundancyVector(a, question))).toBeCloseTo(1);
  });
});

describe('what goes with a chosen sentence', () => {
  it('quotes what a sentence announces: the next paragraph after a colon or an unfinished line', () => {
    const corpus = readCorpus([
      passage(
        'If you prefer PDF output, use the command line\n\nasy -V -f pdf test\n\nIn either case a viewer opens.',
      ),
    ]);
    const chosen = corpus.sentences.find((s) => s.text.startsWith('If you prefer'))!;
    expect(withContext(corpus, chosen).map((s) => s.text)).toEqual([
      'If you prefer PDF output, use the command line',
      'asy -V -f pdf test',
    ]);
  });

  it('quotes the sentence before one that leans back after an adverb ("Ordinarily it…")', () => {
    const corpus = readCorpus([
      passage(
        'The output is drawn in two dimensions. Maxima has an internal variable regulating this feature, called DISPLAY2D. Ordinarily it is set to TRUE, for a terminal session.',
      ),
    ]);
    const chosen = corpus.sentences.find((s) => s.text.startsWith('Ordinarily'))!;
    expect(withContext(corpus, chosen).map((s) => s.text)[0]).toBe(
      'Maxima has an internal variable regulating this feature, called DISPLAY2D.',
    );
  });

  it('quotes a paragraph leaning back on the example above it with the sentence that introduced it', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'How do I paste a result into my paper?',
      passages: [
        passage(
          [
            'You can also request this output by hand, using the tex(expression) command.',
            '',
            '(C7) tex(A1);',
            '$${{x^{4}}\\over{4}}$$',
            '',
            'This is useful if you are writing a paper: the above can be pasted into it.',
          ].join('\n'),
        ),
      ],
    });
    const md = answer.markdown;
    const intro = md.indexOf('using the tex(expression) command');
    const example = md.indexOf('(C7) tex(A1);');
    const useful = md.indexOf('This is useful if you are writing a paper');
    expect(intro).toBeGreaterThan(0);
    // The example stands between the sentence that introduces it and the one that leans back on it.
    expect(example).toBeGreaterThan(intro);
    expect(useful).toBeGreaterThan(example);
  });

  it('quotes, after a sentence announcing a routine’s signature, the sentence that says what it does', () => {
    const text = (code: string) =>
      `Asymptote also provides a few numerical routines:\n\n${code}\n\nUse Newton iteration to solve for a root of f.`;
    const context = (code: string) => {
      const corpus = readCorpus([passage(text(code))]);
      const chosen = corpus.sentences.find((s) => s.text.startsWith('Asymptote also'))!;
      return withContext(corpus, chosen).map((s) => s.text);
    };
    expect(context('real newton(int iterations=100, real f(real),\nreal x, bool verbose=false);')).toContain(
      'Use Newton iteration to solve for a root of f.',
    );
    // An example that is not a routine's declaration is what the sentence announces, nothing more.
    expect(context('size(3cm);\ndraw(unitsquare);')).toHaveLength(1);
  });

  it.each([
    ['real newton(int iterations=100, real f(real), real x, bool verbose=false);', true],
    ['void filloutside(picture pic=currentpicture, path g)', true],
    ['path unitcircle=E..N..W..S..cycle;', false],
    ['size(3cm);', false],
    ['set logscale y 2', false],
  ])('%j is a routine’s signature: %j', (code, expected) => {
    expect(isSignature(code)).toBe(expected);
  });

  it('quotes a sentence once, though two chosen sentences take it as context', () => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question: 'Which numerical routines solve equations?',
      passages: [
        passage(
          'Numerical routines that solve equations are listed here:\n\nNewton routines solve equations numerically, given a derivative.',
        ),
      ],
    });
    expect(answer.markdown.match(/Newton routines solve equations/g)).toHaveLength(1);
  });
});

describe('choosing the sentence that says what the question asks for', () => {
  /** The first sentence the offline answer quotes. */
  const firstQuoted = (paragraphs: readonly string[], question: string): string => {
    const answer = composeOfflineAnswer({
      route: 'general_qa',
      question,
      passages: [passage(paragraphs.join('\n\n'))],
    });
    const quote = answer.markdown.split('\n').find((line) => line.startsWith('> '));
    return quote?.slice(2).replace(/【\d+】.*$/, '') ?? '';
  };

  it('answers "how often" with the sentence that gives a frequency', () => {
    const paragraphs = [
      'Reminders for overdue books are sent by email.',
      'Reminders for overdue books are sent every three days.',
      'Students who ignore reminders may lose the right to borrow.',
    ];
    expect(firstQuoted(paragraphs, 'How often are reminders for overdue books sent?')).toBe(
      'Reminders for overdue books are sent every three days.',
    );
  });

  it('answers "how long" with the sentence that gives a duration, not one that says "long"', () => {
    const paragraphs = [
      'Long answers to the written exam are not marked down by the examiners of the course.',
      'The written exam lasts two hours.',
      'The written exam is marked by two examiners of the course.',
    ];
    expect(firstQuoted(paragraphs, 'How long does the written exam last?')).toBe(
      'The written exam lasts two hours.',
    );
  });

  it('answers "how many" with the sentence that gives a number', () => {
    const paragraphs = [
      'Students write lab reports in pairs during the practical sessions.',
      'Students write six lab reports during the term.',
      'Reports that are late lose points.',
    ];
    expect(firstQuoted(paragraphs, 'How many lab reports do students write?')).toBe(
      'Students write six lab reports during the term.',
    );
  });

  it('answers "when" with the sentence that gives a date', () => {
    const paragraphs = [
      'The field trip goes to the coast near the old harbour.',
      'The field trip takes place on Saturday, 14 May.',
      'Bring boots and a notebook.',
    ];
    expect(firstQuoted(paragraphs, 'When is the field trip?')).toBe(
      'The field trip takes place on Saturday, 14 May.',
    );
  });

  it('answers "what happens if" with the sentence that states the condition', () => {
    const paragraphs = [
      'A player who misses a rehearsal must tell the section leader.',
      'If a player misses a rehearsal, the player sits out the next concert.',
      'The schedule of the orchestra is posted weekly.',
    ];
    expect(firstQuoted(paragraphs, 'What happens if a player misses a rehearsal?')).toBe(
      'If a player misses a rehearsal, the player sits out the next concert.',
    );
  });

  it('answers "how should" with the sentence that says what to do', () => {
    const paragraphs = [
      'Chemical waste from the lab is collected by the safety office, which records chemical waste by type.',
      'Pour chemical waste into the labelled bottle under the hood.',
      'The amount of chemical waste produced by the lab is reported each year.',
    ];
    expect(firstQuoted(paragraphs, 'How should I dispose of chemical waste?')).toBe(
      'Pour chemical waste into the labelled bottle under the hood.',
    );
  });
});
