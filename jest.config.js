/**
 * Three jest projects (`npm run test:unit`, `test:e2e`, `test:load`; `npm test` runs all three):
 * - unit: TypeScript sources in this process, the in-process bot (test/support/in-process-bot.ts)
 *   and the emulator; no build needed.
 * - e2e: the built bot (dist/) as a child process against the emulator, and the sandbox (dist-dev/).
 * - load: the suites of hundreds or thousands of commands and notifications (several instances,
 *   faults, SIGKILL, spaces kept in memory).
 * Every wait in a test is bounded by DEADLINE_MS (test/support/waiting.ts); the timeout below is
 * above it, so a hang fails with the wait's own message.
 */
const LOAD = ['notify-scale', 'scale', 'reliability-faults', 'recovery-instances', 'spaces-memory'].map((name) => `<rootDir>/test/e2e/${name}.test.ts`);

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  // TEST_TIMEOUT_MS of test/support/waiting.ts (jest reads this file before any TypeScript).
  testTimeout: 150_000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test'], testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/test/e2e/', '/test/sandbox/'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/sandbox/**/*.test.ts'], testPathIgnorePatterns: LOAD },
    { ...common, displayName: 'load', roots: ['<rootDir>/test'], testMatch: LOAD },
  ],
};
