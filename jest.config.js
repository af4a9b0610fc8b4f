/** One jest run for the whole monorepo: unit and integration tests next to the code, browser tests in tests/browser. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@tsunagu/(protocol|ui|call)$': '<rootDir>/packages/$1/src/index.ts',
  // Tools (tools/*) use the hub's modules by path: @tsunagu/hub/app, @tsunagu/hub/testing/harness…
  '^@tsunagu/hub/(.*)$': '<rootDir>/apps/hub/src/$1',
};
// otplib's base32 and hash plugins (@scure, @noble) ship only as ES modules: Node 20.19+ loads them
// with require() at run time, jest (before Node 24.9) cannot, so swc turns them into CommonJS here.
const transformIgnorePatterns = ['/node_modules/(?!(@scure|@noble)/)'];
const common = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns,
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  maxWorkers: 2,
  // Browser tests start a hub and Chromium; per-project testTimeout is not honoured by jest.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{apps,packages,tools}/*/src/**/*.test.{ts,tsx}',
        '<rootDir>/terminal-image/**/*.test.ts',
        '<rootDir>/scripts/**/*.test.ts',
        // Tests across parts (a package against the real hub).
        '<rootDir>/tests/integration/**/*.test.ts',
      ],
      // One PostgreSQL per run, started by the first test file that needs it (testing/postgres.ts).
      globalSetup: '<rootDir>/tests/helpers/unit-global-setup.ts',
      globalTeardown: '<rootDir>/tests/helpers/unit-global-teardown.ts',
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
      testTimeout: 60000,
    },
  ],
};
