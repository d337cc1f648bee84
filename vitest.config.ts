import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests run against each workspace package's TypeScript source, never a stale build. */
export const sourceAliases = [
  { find: /^@classchat\/(contracts|db|testkit|service)$/, replacement: `${root}packages/$1/src/index.ts` },
  {
    find: /^@classchat\/(contracts|db|testkit|service)\/(.+)$/,
    replacement: `${root}packages/$1/src/$2/index.ts`,
  },
  { find: /^@classchat\/(api|rag)$/, replacement: `${root}apps/$1/src/index.ts` },
];

/**
 * The repository tests that need no vectors, again on a real PostgreSQL server (`npm test` finds or
 * starts one and sets TEST_PG_URL): PGlite serialises every connection, so real concurrency (parallel
 * quota reservations, parallel turns in one session, leases, find-or-create) is only tested here.
 */
const realPostgresProject: TestProjectInlineConfiguration[] = process.env.TEST_PG_URL
  ? [
      {
        extends: true,
        test: {
          name: 'pg',
          environment: 'node',
          include: [
            'packages/db/src/repositories/users.test.ts',
            'packages/db/src/repositories/turns.test.ts',
            'packages/db/src/repositories/turns-retry.test.ts',
            'packages/db/src/repositories/chat.test.ts',
            'packages/db/src/repositories/library.test.ts',
            'packages/db/src/repositories/answer-claims.test.ts',
            'packages/db/src/repositories/prepared.test.ts',
            'packages/db/src/repositories/documents-version.test.ts',
          ],
          env: { CLASSCHAT_TEST_PG_URL: process.env.TEST_PG_URL },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ]
  : [];

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/api/src/**/*.test.ts',
            'apps/rag/src/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      'apps/web/vitest.config.ts',
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // A browser on 2 busy cores: give expect.poll the time a page load can take.
          expect: { poll: { timeout: 20_000, interval: 50 } },
          fileParallelism: false,
        },
      },
      ...realPostgresProject,
    ],
  },
});
