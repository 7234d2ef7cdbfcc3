import { jestConfig } from '../../jest.config.base.js';
// Browser tests launch Chromium and wait for beacons; the default 5 s per test is too tight.
export default jestConfig({ testTimeout: 30_000 });
