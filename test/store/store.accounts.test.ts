import { createStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import { capturingLogger, createBackend, rowsForPerson, tokens, uid, pending, type Backend, type BackendName } from './helpers';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../src/log';
import { MIGRATIONS } from '../../src/store/migrations';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const T1 = new Date('2026-03-01T09:30:00.000Z');

describe.each<[BackendName]>([['sqlite'], ['postgres']])('%s store: accounts and settings', (name) => {
  let backend: Backend;
  let store: Store;

  beforeEach(async () => {
    backend = await createBackend(name);
    store = await backend.open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('reports its kind and answers ping', async () => {
    expect(store.kind).toBe(name);
    await expect(store.ping()).resolves.toBe(true);
  });

  it('round-trips an account', async () => {
    const personId = uid('person');
    const set = tokens('a');
    await store.saveAccount({ personId, email: 'ann@example.com', tokens: set }, T0);
    await expect(store.getAccount(personId)).resolves.toEqual({
      personId,
      email: 'ann@example.com',
      tokens: set,
      connectedAt: T0,
      updatedAt: T0,
    });
    await expect(store.getAccount(uid('nobody'))).resolves.toBeNull();
  });

  it('keeps a null refresh expiry and empty scopes', async () => {
    const personId = uid('person');
    const set = { ...tokens('b'), refreshTokenExpiresAt: null, scopes: [] };
    await store.saveAccount({ personId, email: 'bo@example.com', tokens: set }, T0);
    expect((await store.getAccount(personId))?.tokens).toEqual(set);
  });

  it('replaces an account when saved again', async () => {
    const personId = uid('person');
    await store.saveAccount({ personId, email: 'old@example.com', tokens: tokens('old') }, T0);
    const fresh = tokens('new');
    await store.saveAccount({ personId, email: 'new@example.com', tokens: fresh }, T1);
    const account = await store.getAccount(personId);
    expect(account).toMatchObject({ email: 'new@example.com', tokens: fresh, connectedAt: T1, updatedAt: T1 });
    expect((await backend.rows('accounts')).filter((r) => r.person_id === personId)).toHaveLength(1);
  });

  it('updates tokens, keeping connectedAt', async () => {
    const personId = uid('person');
    await store.saveAccount({ personId, email: 'ann@example.com', tokens: tokens('first') }, T0);
    const refreshed = { ...tokens('second'), scopes: ['spark:recordings_read'] };
    await store.updateTokens(personId, refreshed, T1);
    await expect(store.getAccount(personId)).resolves.toEqual({
      personId,
      email: 'ann@example.com',
      tokens: refreshed,
      connectedAt: T0,
      updatedAt: T1,
    });
  });

  it('does not bring an account back when updating tokens of someone who disconnected', async () => {
    const personId = uid('person');
    await store.updateTokens(personId, tokens('x'), T1);
    await expect(store.getAccount(personId)).resolves.toBeNull();
    expect(await rowsForPerson(backend, personId)).toMatchObject({ accounts: 0 });
  });

  it('deleteAccount forgets the tokens but keeps settings and pending requests', async () => {
    const personId = uid('person');
    await store.saveAccount({ personId, email: 'ann@example.com', tokens: tokens('a') }, T0);
    await store.setTimezoneOverride(personId, 'Europe/Paris');
    await store.addPendingRequest(pending(personId, uid('msg'), T0));
    await store.deleteAccount(personId);
    await expect(store.getAccount(personId)).resolves.toBeNull();
    expect(await rowsForPerson(backend, personId)).toEqual({
      accounts: 0,
      person_settings: 1,
      oauth_states: 0,
      pending_requests: 1,
      inbox_events: 0,
    });
  });

  it('deletePerson removes every trace of the person and nobody else', async () => {
    const personId = uid('person');
    const other = uid('other');
    for (const id of [personId, other]) {
      await store.saveAccount({ personId: id, email: `${id}@example.com`, tokens: tokens(id) }, T0);
      await store.setTimezoneOverride(id, 'Asia/Singapore');
      await store.setProfileTimezone(id, 'Europe/Berlin', T0);
      await store.putOAuthState({ state: uid('state'), personId: id, codeVerifier: 'v'.repeat(43), createdAt: T0, expiresAt: T1 });
      await store.addPendingRequest(pending(id, uid('msg'), T0));
      await store.inbox.accept(`messages:created:${uid('msg')}`, { data: { personId: id, personEmail: `${id}@example.com` } }, id, T0, null, T0);
    }
    await store.deletePerson(personId);
    expect(await rowsForPerson(backend, personId)).toEqual({ accounts: 0, person_settings: 0, oauth_states: 0, pending_requests: 0, inbox_events: 0 });
    expect(await rowsForPerson(backend, other)).toEqual({ accounts: 1, person_settings: 1, oauth_states: 1, pending_requests: 1, inbox_events: 1 });
    // The event stays known (a redelivery is still a duplicate) without what it said.
    expect(JSON.stringify(await backend.rows('inbox_events'))).not.toContain(personId);
    await expect(store.inbox.claim({ owner: 'a', until: T1 }, T0, 10)).resolves.toEqual([expect.objectContaining({ envelope: { data: { personId: other, personEmail: `${other}@example.com` } } })]);
    await expect(store.getSettings(personId)).resolves.toEqual({
      personId,
      timezoneOverride: null,
      profileTimezone: null,
      profileCheckedAt: null,
    });
  });

  it('gives default settings and stores overrides and profile zones independently', async () => {
    const personId = uid('person');
    await expect(store.getSettings(personId)).resolves.toEqual({
      personId,
      timezoneOverride: null,
      profileTimezone: null,
      profileCheckedAt: null,
    });
    await store.setTimezoneOverride(personId, 'America/New_York');
    await store.setProfileTimezone(personId, 'Asia/Tokyo', T0);
    await expect(store.getSettings(personId)).resolves.toEqual({
      personId,
      timezoneOverride: 'America/New_York',
      profileTimezone: 'Asia/Tokyo',
      profileCheckedAt: T0,
    });
    await store.setTimezoneOverride(personId, null);
    await store.setProfileTimezone(personId, null, T1);
    await expect(store.getSettings(personId)).resolves.toEqual({
      personId,
      timezoneOverride: null,
      profileTimezone: null,
      profileCheckedAt: T1,
    });
  });

  it('never holds a token in clear text in the table rows', async () => {
    const personId = uid('person');
    const first = tokens('rowcheck');
    const second = tokens('rowcheck2');
    await store.saveAccount({ personId, email: 'ann@example.com', tokens: first }, T0);
    await store.updateTokens(personId, second, T1);
    await store.putOAuthState({ state: uid('state'), personId, codeVerifier: 'VERIFIER-SECRET-0123456789', createdAt: T0, expiresAt: T1 });
    const dump = JSON.stringify([...(await backend.rows('accounts')), ...(await backend.rows('oauth_states'))]);
    expect(dump).toContain('ann@example.com');
    for (const secret of [first.accessToken, first.refreshToken, second.accessToken, second.refreshToken, 'VERIFIER-SECRET']) {
      expect(dump).not.toContain(secret);
    }
    const [row] = (await backend.rows('accounts')).filter((r) => r.person_id === personId);
    expect(row.access_token).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(row.refresh_token).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
  });

  it('treats an account as absent when the key changed, warning without any secret', async () => {
    const personId = uid('person');
    const set = tokens('wrongkey');
    await store.saveAccount({ personId, email: 'ann@example.com', tokens: set }, T0);
    const state = uid('state');
    await store.putOAuthState({ state, personId, codeVerifier: 'VERIFIER-XYZ', createdAt: T0, expiresAt: T1 });
    const capture = capturingLogger();
    const other = await backend.open({ key: randomBytes(32), logger: capture.logger });
    await expect(other.getAccount(personId)).resolves.toBeNull();
    await expect(other.takeOAuthState(state, T0)).resolves.toBeNull();
    const log = capture.lines().join('\n');
    expect(log).toMatch(/cannot be decrypted/);
    expect(log).toContain(personId);
    for (const secret of [set.accessToken, set.refreshToken, 'VERIFIER-XYZ', 'v1:']) expect(log).not.toContain(secret);
    // The right key still reads it: nothing was destroyed by the failed read.
    expect((await store.getAccount(personId))?.tokens).toEqual(set);
  });

  it('migrates idempotently: init twice, and a second instance, keep the data and one row per migration', async () => {
    const personId = uid('person');
    await store.saveAccount({ personId, email: 'ann@example.com', tokens: tokens('m') }, T0);
    await store.init();
    const second = await backend.open();
    await second.init();
    expect(await second.getAccount(personId)).not.toBeNull();
    const versions = (await backend.rows('schema_migrations')).map((r) => Number(r.version)).sort();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('answers ping false after close', async () => {
    const other = await backend.open();
    await other.close();
    await expect(other.ping()).resolves.toBe(false);
    await other.close();
  });
});

it('createStore refuses a Postgres schema name that is not a plain identifier', () => {
  expect(() =>
    createStore({ url: 'postgres://localhost/x', encryptionKey: randomBytes(32), logger: silentLogger(), postgresSchema: 'a"; DROP' }),
  ).toThrow(/schema name/);
});
