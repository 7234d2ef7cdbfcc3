/**
 * What every store's accounts must do (people, sessions, one-time links, shared links), run on
 * each adapter so the MongoDB side is held to the embedded store's behaviour.
 */
import type { AccountStore, OneTimeTokenRecord, SessionRecord, UserRecord } from '../../src/store/accounts.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const HOUR = 3_600_000;

const user = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  id: 'usr_1',
  email: 'ada@example.com',
  role: 'owner',
  sites: [],
  passwordHash: 'scrypt$hash',
  createdAt: NOW,
  ...overrides,
});

const session = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  hash: 'h1',
  id: 'ses_1',
  userId: 'usr_1',
  sharedLinkId: null,
  csrf: 'csrf-1',
  label: 'Chrome on Linux',
  createdAt: NOW,
  expiresAt: NOW + HOUR,
  ...overrides,
});

const token = (overrides: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord => ({
  hash: 't1',
  kind: 'invite',
  email: 'bob@example.com',
  role: 'viewer',
  sites: ['example.com'],
  createdAt: NOW,
  expiresAt: NOW + HOUR,
  ...overrides,
});

export function runAccountStoreContract(name: string, create: () => Promise<{ accounts: AccountStore; close(): Promise<void> }>): void {
  describe(`${name}: accounts`, () => {
    let accounts: AccountStore;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ accounts, close } = await create());
    });

    afterEach(async () => {
      await close();
    });

    it('keeps a user per e-mail address, finds them by id and address, and changes them', async () => {
      expect(await accounts.countUsers()).toBe(0);
      expect(await accounts.createUser(user())).toBe(true);
      expect(await accounts.createUser(user({ id: 'usr_2' }))).toBe(false);
      expect(await accounts.createUser(user({ id: 'usr_0', email: 'zoe@example.com', role: 'viewer', sites: ['a.example'], passwordHash: null }))).toBe(true);
      expect(await accounts.countUsers()).toBe(2);
      expect(await accounts.getUser('usr_1')).toEqual(user());
      expect(await accounts.findUserByEmail('zoe@example.com')).toEqual(user({ id: 'usr_0', email: 'zoe@example.com', role: 'viewer', sites: ['a.example'], passwordHash: null }));
      expect(await accounts.findUserByEmail('nobody@example.com')).toBeNull();
      expect((await accounts.listUsers()).map((u) => u.email)).toEqual(['ada@example.com', 'zoe@example.com']);
      expect(await accounts.updateUser('usr_0', { passwordHash: 'new', sites: ['a.example', 'b.example'] })).toEqual(
        user({ id: 'usr_0', email: 'zoe@example.com', role: 'viewer', sites: ['a.example', 'b.example'], passwordHash: 'new' }),
      );
      expect((await accounts.updateUser('usr_0', { role: 'admin' }))?.role).toBe('admin');
      expect(await accounts.updateUser('usr_9', { role: 'admin' })).toBeNull();
    });

    it('finds an unexpired session by its hash, lists and ends a user’s sessions', async () => {
      await accounts.createUser(user());
      await accounts.createSession(session());
      await accounts.createSession(session({ hash: 'h2', id: 'ses_2', createdAt: NOW + 1 }));
      await accounts.createSession(session({ hash: 'h3', id: 'ses_3', expiresAt: NOW - 1 }));
      await accounts.createSession(session({ hash: 'h4', id: 'ses_4', userId: null, sharedLinkId: 'lnk_1' }));
      expect(await accounts.findSession('h1', NOW)).toEqual(session());
      expect(await accounts.findSession('h1', NOW + HOUR)).toBeNull();
      expect(await accounts.findSession('h3', NOW)).toBeNull();
      expect((await accounts.listSessions('usr_1', NOW)).map((s) => s.id)).toEqual(['ses_1', 'ses_2']);
      expect(await accounts.deleteSession('usr_2', 'ses_1')).toBe(false);
      expect(await accounts.deleteSession('usr_1', 'ses_1')).toBe(true);
      await accounts.deleteSessionByHash('h2');
      expect(await accounts.listSessions('usr_1', NOW)).toEqual([]);
      await accounts.deleteLinkSessions('lnk_1');
      expect(await accounts.findSession('h4', NOW)).toBeNull();
    });

    it('ends every session of a user at once, and with the user', async () => {
      await accounts.createUser(user());
      await accounts.createSession(session());
      await accounts.createSession(session({ hash: 'h2', id: 'ses_2' }));
      await accounts.deleteUserSessions('usr_1');
      expect(await accounts.listSessions('usr_1', NOW)).toEqual([]);
      await accounts.createSession(session({ hash: 'h5', id: 'ses_5' }));
      expect(await accounts.deleteUser('usr_1')).toBe(true);
      expect(await accounts.findSession('h5', NOW)).toBeNull();
      expect(await accounts.getUser('usr_1')).toBeNull();
      expect(await accounts.deleteUser('usr_1')).toBe(false);
    });

    it('hands a one-time token out once, never after it expires', async () => {
      await accounts.createToken(token());
      await accounts.createToken(token({ hash: 't2', kind: 'reset', email: 'ada@example.com', role: 'owner', sites: [] }));
      await accounts.createToken(token({ hash: 't3', expiresAt: NOW - 1 }));
      expect(await accounts.findToken('t1', NOW)).toEqual(token());
      expect((await accounts.listInvites(NOW)).map((t) => t.hash)).toEqual(['t1']);
      expect(await accounts.takeToken('t1', NOW)).toEqual(token());
      expect(await accounts.takeToken('t1', NOW)).toBeNull();
      expect(await accounts.takeToken('t3', NOW)).toBeNull();
      expect(await accounts.findToken('t2', NOW + HOUR)).toBeNull();
      await accounts.deleteTokensFor('ada@example.com', 'reset');
      expect(await accounts.findToken('t2', NOW)).toBeNull();
    });

    it('keeps shared links per site, found by hash, and revoking one ends the sessions it opened', async () => {
      const link = { id: 'lnk_1', site: 'example.com', hash: 'lh1', label: 'Board', passwordHash: null, createdAt: NOW };
      await accounts.createSharedLink(link);
      await accounts.createSharedLink({ ...link, id: 'lnk_2', hash: 'lh2', passwordHash: 'scrypt$x', createdAt: NOW + 1 });
      await accounts.createSharedLink({ ...link, id: 'lnk_3', site: 'other.example', hash: 'lh3' });
      expect(await accounts.findSharedLink('lh1')).toEqual(link);
      expect(await accounts.getSharedLink('lnk_2')).toEqual({ ...link, id: 'lnk_2', hash: 'lh2', passwordHash: 'scrypt$x', createdAt: NOW + 1 });
      expect((await accounts.listSharedLinks('example.com')).map((l) => l.id)).toEqual(['lnk_1', 'lnk_2']);
      await accounts.createSession(session({ hash: 'hs', id: 'ses_s', userId: null, sharedLinkId: 'lnk_2' }));
      expect(await accounts.deleteSharedLink('other.example', 'lnk_2')).toBe(false);
      expect(await accounts.deleteSharedLink('example.com', 'lnk_2')).toBe(true);
      expect(await accounts.findSharedLink('lh2')).toBeNull();
      expect(await accounts.findSession('hs', NOW)).toBeNull();
    });
  });
}
