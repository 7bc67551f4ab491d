import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';

/**
 * The call log keeps each call's request and response bodies for the sandbox's inspector, with
 * every secret (tokens, codes, client secrets, download tickets) blanked and long bodies cut.
 */
describe('emulator: call bodies in the call log', () => {
  const CLIENT = { clientId: 'C-bodies', clientSecret: 'client-secret-value', redirectUris: ['http://localhost:3000/oauth/callback'] };
  let emu: Emulator;
  let bot: { token: string };
  let alice: { id: string };

  beforeAll(async () => {
    emu = await startEmulator({ keepCallBodies: true });
    emu.registerIntegration(CLIENT);
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
  });
  afterAll(() => emu.close());

  it('keeps no bodies unless asked (long runs would hold every body in memory)', async () => {
    const plain = await startEmulator();
    try {
      const someone = plain.createBot({ displayName: 'B', email: 'b@webex.bot' });
      await fetch(`${plain.apiUrl}/people/me`, { headers: { authorization: `Bearer ${someone.token}` } });
      expect(plain.calls.at(-1)).not.toHaveProperty('responseBody');
    } finally {
      await plain.close();
    }
  });

  it('keeps a posted message and the answer', async () => {
    const res = await fetch(`${emu.apiUrl}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bot.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ toPersonEmail: 'alice@example.com', markdown: 'hello **there**' }),
    });
    const answer = (await res.json()) as { id: string };
    const call = emu.calls.find((c) => c.trackingId === res.headers.get('trackingid'))!;
    expect(JSON.parse(call.requestBody!)).toEqual({ toPersonEmail: 'alice@example.com', markdown: 'hello **there**' });
    expect(JSON.parse(call.responseBody!)).toMatchObject({ id: answer.id, markdown: 'hello **there**' });
  });

  it('blanks tokens, codes and client secrets in both directions', async () => {
    const url = `${emu.apiUrl}/authorize?${new URLSearchParams({ response_type: 'code', client_id: CLIENT.clientId, redirect_uri: CLIENT.redirectUris[0]!, scope: 'spark:people_read', state: 's' })}`;
    const code = new URL(emu.authorizeAs(url, alice.id)).searchParams.get('code')!;
    const res = await fetch(`${emu.apiUrl}/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, code, redirect_uri: CLIENT.redirectUris[0]! }),
    });
    const tokens = (await res.json()) as { access_token: string; refresh_token: string };
    const call = emu.calls.find((c) => c.trackingId === res.headers.get('trackingid'))!;
    const text = `${call.requestBody} ${call.responseBody}`;
    for (const secret of [CLIENT.clientSecret, code, tokens.access_token, tokens.refresh_token]) expect(text).not.toContain(secret);
    expect(call.requestBody).toContain('client_id=C-bodies');
    expect(call.responseBody).toContain('[redacted]');
  });
});
