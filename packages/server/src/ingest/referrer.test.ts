import { referral, sourceName } from './referrer.js';

describe('referral', () => {
  it.each([
    ['https://www.google.co.uk/search?q=x', 'google.co.uk/search', 'Google'],
    ['https://t.co/abc', 't.co/abc', 'Twitter'],
    ['https://blog.other.org/', 'blog.other.org', 'blog.other.org'],
    ['android-app://com.slack', null, null],
    ['not a url', null, null],
    ['', null, null],
  ])('%s → referrer %s, source %s', (raw, referrer, source) => {
    expect(referral(raw, 'example.com', null)).toEqual({ referrer, source });
  });

  it('ignores the site itself, with or without www', () => {
    expect(referral('https://www.example.com/blog', 'example.com', null)).toEqual({ referrer: null, source: null });
  });

  it('lets utm_source name the source, keeping the referrer', () => {
    expect(referral('https://www.google.com/', 'example.com', 'newsletter')).toEqual({
      referrer: 'google.com',
      source: 'newsletter',
    });
  });

  it('names hosts without a known name by their bare host', () => {
    expect(sourceName('WWW.Example.NET')).toBe('example.net');
  });
});
