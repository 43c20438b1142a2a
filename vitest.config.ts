import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Every package under packages/. Keep in sync with tsconfig.json references. */
const packages = ['core-devres', 'module-loader', 'pci-emu', 'hrtimer', 'workqueue', 'miscdev', 'explorer'] as const;

const fromRoot = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * `@quiesce/<name>` -> packages/<name>/src/index.ts, so tests run against the
 * TypeScript sources with no build step. Exact-match regexes, so a deep import
 * such as `@quiesce/core-devres/foo` is not silently rewritten.
 */
const alias = [
  ...packages.map((name) => ({
    find: new RegExp(`^@quiesce/${name}$`),
    replacement: fromRoot(`./packages/${name}/src/index.ts`),
  })),
  { find: /^@quiesce\/edu-driver$/, replacement: fromRoot('./examples/edu-driver/src/index.ts') },
  { find: /^@quiesce\/edu-buggy$/, replacement: fromRoot('./examples/buggy/src/index.ts') },
  // Subpath entries the playground uses (apps/playground).
  { find: /^@quiesce\/explorer\/browser$/, replacement: fromRoot('./packages/explorer/src/browser.ts') },
  { find: /^@quiesce\/edu-buggy\/playground$/, replacement: fromRoot('./examples/buggy/src/playground.ts') },
  { find: /^@quiesce\/edu-buggy\/scenarios$/, replacement: fromRoot('./examples/buggy/src/scenarios.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name: `@quiesce/${name}`,
          include: [`packages/${name}/test/**/*.test.ts`],
        },
      })),
      {
        // The playground: engine/UI unit tests (Node) and the e2e test in
        // headless chromium (apps/playground/e2e, needs `pnpm build` first).
        extends: true as const,
        test: {
          name: '@quiesce/playground',
          include: ['apps/playground/test/**/*.test.ts', 'apps/playground/e2e/**/*.test.ts'],
        },
      },
      {
        extends: true as const,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
        },
      },
    ],
  },
});
