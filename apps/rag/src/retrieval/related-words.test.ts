import { describe, expect, it } from 'vitest';
import { MAX_RELATED, relatedWords } from './related-words.js';

describe('relatedWords', () => {
  it('gives the other words manuals use for what a question word names, one list per question word', () => {
    expect(relatedWords('How do I clear a variable?')).toEqual([
      ['remove', 'delete', 'erase', 'kill', 'unset', 'undefine', 'discard', 'purge'],
    ]);
    expect(relatedWords('How do I hide the legend?')).toEqual([
      ['suppress', 'disable', 'deactivate', 'unset', 'omit', 'mute'],
      ['hid', 'hidden'],
      ['key'],
    ]);
  });

  it('reads inflected question words ("clearing", "hides", "timed")', () => {
    expect(relatedWords('clearing values')[0]).toContain('kill');
    expect(relatedWords('it hides the axes')[0]).toContain('suppress');
    expect(relatedWords('hiding the axes')[0]).toContain('suppress');
    expect(relatedWords('the loop is timed')).toContainEqual(['timer', 'timing', 'clock', 'elapsed']);
  });

  it('leaves out the question’s own words and repeats no word', () => {
    const related = relatedWords('Should I delete or remove the old key, or hide it?');
    const all = related.flat();
    expect(all).not.toContain('delete');
    expect(all).not.toContain('remove');
    expect(all).not.toContain('hide');
    expect(new Set(all).size).toBe(all.length);
    // "unset" belongs to both the remove and the hide groups: listed once, with the first.
    expect(related[0]).toContain('unset');
    expect(related.slice(1).flat()).not.toContain('unset');
  });

  it('gives nothing for questions without such words, or with their everyday senses left out', () => {
    expect(relatedWords('What is the Krebs cycle?')).toEqual([]);
    expect(relatedWords('How do I write a comment at the start of my script?')).toEqual([]);
  });

  it('adds the other forms of an irregular verb as a list of their own, after its synonyms', () => {
    expect(relatedWords('How do I send my plot to a file?')).toEqual([
      ['output', 'save', 'export', 'redirect', 'dump'],
      ['sent'],
    ]);
    expect(relatedWords('the job ran for an hour')).toEqual([['launch', 'run', 'execute', 'invoke']]);
    expect(relatedWords('Why is the axis hidden?')).toEqual([
      ['hide', 'suppress', 'disable', 'deactivate', 'unset', 'omit', 'mute'],
      ['hid'],
    ]);
    // Forms with an everyday sense besides the operation, and verbs no group lists, are not searched.
    expect(relatedWords('How do I show the grid?').flat()).not.toContain('shown');
    expect(relatedWords('How do I write a comment?').flat()).not.toContain('written');
  });

  it(`adds at most ${MAX_RELATED} words however long the question`, () => {
    const long = 'remove hide display output load run quit time change create copy combine split find';
    expect(relatedWords(long).flat()).toHaveLength(MAX_RELATED);
  });
});
