/** Two projects: pure unit tests (fast, no infrastructure) and integration tests on the real stack. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = { '^@beckon/([a-z-]+)$': '<rootDir>/libs/$1/src' };
// The dashboard's browser modules (ES modules, no build step) are compiled for their unit tests too.
const transform = { '^.+\\.ts$': swc, '/dashboard/public/.+\\.js$': swc };
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper };

module.exports = {
  // Integration tests wait on real brokers and timers; unit tests finish long before this.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // The fault suite runs on a stack of its own: `npm run test:faults` (test/faults/jest.config.js).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
};
