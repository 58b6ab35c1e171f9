/**
 * `npm run test:faults`: the fault suite alone. It brings its own PostgreSQL and Kafka (test/faults/own-*.ts),
 * so it has no global setup, and `npm test` leaves it out (jest.config.js ignores test/faults/).
 */
const path = require('node:path');
const base = require('../../jest.config.js');

const integration = base.projects.find((project) => project.displayName === 'integration');
const { globalSetup: _sharedStack, ...withoutSharedStack } = integration;

module.exports = {
  ...withoutSharedStack,
  rootDir: path.join(__dirname, '..', '..'),
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // The scenario runs a few minutes; the suite fails on its own deadlines long before this.
  testTimeout: 600000,
};
