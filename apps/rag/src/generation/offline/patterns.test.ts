import { describe, expect, it } from 'vitest';
import { isJunkLine } from './lines.js';
import {
  asksForName,
  definitionOf,
  hasInlineCode,
  hasSymbol,
  kindAskedFor,
  LEANS_BACK,
  namesAsCode,
  questionKind,
  saysWhatItMeans,
  symbolsOf,
} from './patterns.js';

describe('code written inside a sentence', () => {
  it.each([
    'In gp, you can use quit or \\q (backslash q).',
    'But instead type a = Mod(2,n).',
    'This is easy to do with the GNU function getopt_long.',
    'If you want a column vector, type [1,2,3,4]~, the tilde meaning transpose.',
    'Use asy -f pdf to get PDF output.',
    'Spell the option ‘--verbose’ exactly.',
  ])('%j holds code', (sentence) => {
    expect(hasInlineCode(sentence)).toBe(true);
  });

  it.each([
    'Each system has its own quit signal (see the manual).',
    'A path is a list of points, joined by lines or curves.',
    'Type one of the following, then press Return.',
  ])('%j is plain prose', (sentence) => {
    expect(hasInlineCode(sentence)).toBe(false);
  });
});

describe('symbols a question asks about', () => {
  it('reads standalone symbols, not the question’s punctuation', () => {
    expect(symbolsOf('What does the % sign mean in gp?')).toEqual(['%']);
    expect(symbolsOf("What's the difference between -- and .. when building a path?")).toEqual(['--', '..']);
    expect(symbolsOf('What is a vector, and why - if at all - use it?')).toEqual([]);
  });

  it('finds a symbol only as a token of its own', () => {
    expect(hasSymbol('% modulo; the result has the sign of the divisor.', '%')).toBe(true);
    expect(hasSymbol('points joined with --, which denotes a line', '--')).toBe(true);
    expect(hasSymbol('the rate rose by 50% this year', '%')).toBe(false);
    expect(hasSymbol('the option --verbose prints more', '--')).toBe(false);
  });
});

describe('what a name means', () => {
  it('is said anywhere in the sentence, not only at its start', () => {
    expect(
      saysWhatItMeans(
        'Type (log(%) / Pi)^2 immediately after the computation; % means the result of the last computed expression.',
        '%',
      ),
    ).toBe(true);
    expect(saysWhatItMeans('The tilde ~ stands for transpose.', '~')).toBe(true);
    expect(saysWhatItMeans('The result means nothing here.', '%')).toBe(false);
  });

  it('a reference-manual entry defines its quoted term', () => {
    expect(definitionOf('‘check’ Perform self-tests (if any).')).toEqual({ term: 'check', kind: 'entry' });
    expect(definitionOf('‘all’ Compile the entire program.')).toEqual({ term: 'all', kind: 'entry' });
    expect(definitionOf('‘Hello,’ she said.')).toBeNull();
    expect(definitionOf('-e Exit immediately if a pipeline fails.')).toEqual({ term: '-e', kind: 'entry' });
    expect(definitionOf('--noinform Suppress the startup banner.')).toEqual({
      term: '--noinform',
      kind: 'entry',
    });
    expect(definitionOf('-1 is the default.')).toBeNull();
  });
});

describe('questions that ask for a name', () => {
  it.each([
    ['Which function should I use to parse long options?', true],
    ['What command clears a variable?', true],
    ['Which is faster, floor or truncate?', false],
    ['What is a data frame?', false],
  ])('%j asks for a name: %j', (question, expected) => {
    expect(asksForName(question)).toBe(expected);
  });
});

describe('sentences that name what a question asks for', () => {
  it('reads the kind of name asked for', () => {
    expect(kindAskedFor('Which function should I use to parse long options like --output?')).toBe('function');
    expect(kindAskedFor('What options does ls take?')).toBe('option');
    expect(kindAskedFor('How do I exit?')).toBeNull();
  });

  it.each([
    ['This is easy to do with the GNU function getopt_long.', 'function', true],
    ['Spell the ‘--verbose’ option exactly.', 'option', true],
    ['Request it with the tex() command.', 'command', true],
    ['The function is easy to call.', 'function', false],
    ['A function of x is plotted.', 'function', false],
  ])('%j names a %s as code: %j', (text, kind, expected) => {
    expect(namesAsCode(text, kind)).toBe(expected);
  });
});

describe('sentences that lean on the one before', () => {
  it.each([
    ['This is easy to do.', true],
    ['Ordinarily it is set to TRUE.', true],
    ['Usually, this works.', true],
    ['Fortunately, Maxima provides an assume command.', false],
    ['Only the first line is read.', false],
  ])('%j leans back: %j', (text, expected) => {
    expect(LEANS_BACK.test(text)).toBe(expected);
  });
});

describe('dot leaders', () => {
  it('an ellipsis in prose is not a dot leader; a table of contents line is', () => {
    expect(isJunkLine('the results are numbered %1, %2, . . . including those not printed')).toBe(false);
    expect(isJunkLine('1 Vectors . . . . . . . . 3')).toBe(true);
    expect(isJunkLine('Vectors........12')).toBe(true);
  });
});

describe('the kind of a question', () => {
  it('reads "how often / how long / how many" as asking for a measure, not for a way to do something', () => {
    expect(questionKind('How often is the index rebuilt?')).toBe('other');
    expect(questionKind('How many credits is the course worth?')).toBe('other');
    expect(questionKind('How do I rebuild the index?')).toBe('how');
    expect(questionKind('How can I time how long a loop takes?')).toBe('how');
  });

  it('reads "what happens if" as asking for a consequence, not for what something is', () => {
    expect(questionKind('What happens if I miss the deadline?')).toBe('other');
    expect(questionKind('What is a deadline?')).toBe('what');
  });
});
