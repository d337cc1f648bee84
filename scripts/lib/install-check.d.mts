// Types for install-check.mjs (plain JavaScript, since scripts/ runs before anything is installed).

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  optional?: boolean;
  devOptional?: boolean;
}

export interface Lockfile {
  packages?: Record<string, LockEntry>;
}

export function installedFromLock(lock: Lockfile | null, hidden: Lockfile | null): boolean;
