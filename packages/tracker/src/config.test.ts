import { settingsFromOptions, type InitOptions } from './config.js';

const valid: InitOptions = { site: 'example.com', endpoint: 'https://stats.example.com/api/event' };

describe('settingsFromOptions', () => {
  it('writes init() options in the shape of the script tag data attributes', () => {
    expect(
      settingsFromOptions({ ...valid, hashRouting: true, exclude: ['/admin/*', '/preview/*'], allowLocalhost: false, allowAutomation: true }),
    ).toEqual({
      site: 'example.com',
      api: 'https://stats.example.com/api/event',
      hash: '',
      exclude: '/admin/*,/preview/*',
      respectDnt: undefined,
      allowLocalhost: undefined,
      allowAutomation: '',
    });
  });

  it.each([
    ['no options', undefined],
    ['no site', { endpoint: valid.endpoint }],
    ['an empty site', { ...valid, site: '' }],
    ['no endpoint', { site: valid.site }],
    ['exclude as a string', { ...valid, exclude: '/admin/*' }],
  ])('throws on %s, a coding error', (_case, options) => {
    expect(() => settingsFromOptions(options as unknown as InitOptions)).toThrow(TypeError);
  });
});
