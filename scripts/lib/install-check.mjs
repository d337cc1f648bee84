// Whether node_modules holds what package-lock.json asks for. Plain JavaScript: it runs before
// anything is installed.

const sameEntry = (wanted, installed) =>
  wanted.version === installed.version &&
  wanted.resolved === installed.resolved &&
  wanted.integrity === installed.integrity &&
  Boolean(wanted.link) === Boolean(installed.link);

/**
 * npm writes `node_modules/.package-lock.json` (its "hidden lockfile") after every install: the
 * packages it put there. node_modules matches the lockfile when every installed entry is the
 * lockfile's and every lockfile entry missing from it is optional (a platform build npm skipped).
 * So an `npm ci` run by hand counts, and a changed lockfile or a half-done install does not.
 */
export function installedFromLock(lock, hidden) {
  const wanted = lock?.packages;
  const installed = hidden?.packages;
  if (!wanted || !installed) return false;
  for (const [path, entry] of Object.entries(installed)) {
    if (!wanted[path] || !sameEntry(wanted[path], entry)) return false;
  }
  return Object.entries(wanted).every(
    ([path, entry]) => path === '' || path in installed || entry.optional || entry.devOptional,
  );
}
