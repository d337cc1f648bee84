import { describe, expect, it } from 'vitest';
import { installedFromLock, type Lockfile } from './install-check.mjs';

const lock: Lockfile = {
  packages: {
    '': {},
    'node_modules/zod': { version: '4.6.7', resolved: 'https://r/zod-4.6.7.tgz', integrity: 'sha512-a' },
    'node_modules/@classchat/api': { resolved: 'apps/api', link: true },
    'apps/api': { version: '0.1.0' },
    'node_modules/@esbuild/darwin-arm64': { version: '0.28.2', integrity: 'sha512-d', optional: true },
  },
};
const { '': _root, 'node_modules/@esbuild/darwin-arm64': _skipped, ...installed } = lock.packages!;

describe('installedFromLock', () => {
  it('accepts what npm installed from this lockfile, optional platform builds left out', () => {
    expect(installedFromLock(lock, { packages: installed })).toBe(true);
  });

  it('refuses a package installed at another version', () => {
    const other = {
      ...installed,
      'node_modules/zod': { ...installed['node_modules/zod'], version: '4.6.6' },
    };
    expect(installedFromLock(lock, { packages: other })).toBe(false);
  });

  it('refuses an install that lacks a required package', () => {
    const { 'node_modules/zod': _zod, ...partial } = installed;
    expect(installedFromLock(lock, { packages: partial })).toBe(false);
  });

  it('refuses a package the lockfile no longer lists', () => {
    const extra = { ...installed, 'node_modules/left-pad': { version: '1.3.0' } };
    expect(installedFromLock(lock, { packages: extra })).toBe(false);
  });

  it('refuses when either file is missing', () => {
    expect(installedFromLock(lock, null)).toBe(false);
    expect(installedFromLock(null, { packages: installed })).toBe(false);
  });
});
