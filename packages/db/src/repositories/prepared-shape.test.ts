import { describe, expect, it } from 'vitest';
import { preparedPerShape, scopeShape, statementName } from './prepared.js';

/** A query builder stand-in that counts how often it is built and prepared. */
function counting() {
  const built: string[] = [];
  const prepared: string[] = [];
  const build = (shape: string) => {
    built.push(shape);
    const text = `select ${shape}`;
    return {
      toSQL: () => ({ sql: text }),
      prepare: (name: string) => {
        prepared.push(name);
        return { name, shape };
      },
    };
  };
  return { build, built, prepared };
}

describe('statements built once per shape', () => {
  it('builds and prepares a shape on its first call only, under the name its text gives', () => {
    const c = counting();
    const statement = preparedPerShape(c.build);

    const first = statement('a');
    const again = statement('a');

    expect(again).toBe(first);
    expect(c.built).toEqual(['a']);
    expect(c.prepared).toEqual([statementName('select a')]);
  });

  it('gives every shape a statement of its own', () => {
    const c = counting();
    const statement = preparedPerShape(c.build);

    const a = statement('a');
    const b = statement('b');

    expect(a).not.toBe(b);
    expect(c.built).toEqual(['a', 'b']);
    expect(statement('b')).toBe(b);
  });

  it('tells scopes apart by which of class and document they name', () => {
    const shapes = [
      scopeShape({}),
      scopeShape({ classId: 'c' }),
      scopeShape({ documentId: 'd' }),
      scopeShape({ classId: 'c', documentId: 'd' }),
      scopeShape({ classId: null, documentId: null }),
    ];

    expect(new Set(shapes.slice(0, 4)).size).toBe(4);
    expect(shapes[4]).toBe(shapes[0]);
    expect(shapes[1]).toContain('class');
    expect(shapes[2]).toContain('document');
  });
});
