import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenService, type TokenVersions } from './tokens.js';

function versionsOf(initial: number): TokenVersions & { version: number } {
  return {
    version: initial,
    current() {
      return Promise.resolve(this.version);
    },
    revoke() {
      this.version += 1;
      return Promise.resolve();
    },
  };
}

describe('token service', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies the same token again after a logout revoked it: rejected, although its signature was known good', async () => {
    const versions = versionsOf(3);
    const tokens = createTokenService('s'.repeat(32), 3600, versions);
    const token = await tokens.sign('user-1');
    expect(await tokens.verify(token)).toMatchObject({ userId: 'user-1' });
    expect(await tokens.verify(token)).toMatchObject({ userId: 'user-1' });
    await tokens.revoke('user-1');
    expect(await tokens.verify(token)).toBeNull();
    const claims = await tokens.claims(token);
    expect(claims).toMatchObject({ userId: 'user-1', version: 3 });
    expect(await tokens.isCurrent(claims!)).toBe(false);
  });

  it('stops accepting a token once it expires, even one verified before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-05T03:00:00Z'));
    const tokens = createTokenService('s'.repeat(32), 60, versionsOf(0));
    const token = await tokens.sign('user-1');
    expect(await tokens.claims(token)).toMatchObject({ userId: 'user-1' });
    vi.setSystemTime(new Date('2026-12-05T03:01:01Z'));
    expect(await tokens.claims(token)).toBeNull();
    expect(await tokens.verify(token)).toBeNull();
  });

  it('rejects a token whose payload was changed after a good one with the same signature was verified', async () => {
    const tokens = createTokenService('s'.repeat(32), 3600, versionsOf(0));
    const token = await tokens.sign('user-1');
    expect(await tokens.claims(token)).not.toBeNull();
    const [header, , signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ sub: 'user-2', ver: 0, exp: 4_000_000_000 })).toString(
      'base64url',
    );
    expect(await tokens.claims(`${header}.${forged}.${signature}`)).toBeNull();
  });
});
