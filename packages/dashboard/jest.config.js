import { jestConfig } from '../../jest.config.base.js';
// Browser tests start a server and Chromium and wait for the page to settle; 5 s per test is too tight.
export default jestConfig({ testTimeout: 60_000 });
