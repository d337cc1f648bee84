import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBool, envInt, envString, parseEnv } from './env.js';

const Schema = z.object({ PORT: envInt(3000, 0, 65535), STREAMING: envBool(true), NAME: envString('x') });

describe('environment parsing', () => {
  it('applies defaults for unset and empty variables', () => {
    expect(parseEnv(Schema, { PORT: '', STREAMING: undefined })).toEqual({
      PORT: 3000,
      STREAMING: true,
      NAME: 'x',
    });
  });

  it('parses numbers and booleans', () => {
    expect(parseEnv(Schema, { PORT: '8080', STREAMING: 'False', NAME: 'y' })).toEqual({
      PORT: 8080,
      STREAMING: false,
      NAME: 'y',
    });
  });

  it('rejects bad values with a message naming every offending variable', () => {
    const run = () => parseEnv(Schema, { PORT: 'eighty', STREAMING: 'maybe' });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/PORT: expected a whole number|PORT:/);
    expect(run).toThrow(/STREAMING: expected true or false/);
  });

  it('rejects out-of-range numbers', () => {
    expect(() => parseEnv(Schema, { PORT: '70000' })).toThrow(/PORT/);
  });
});
