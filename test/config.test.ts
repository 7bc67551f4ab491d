import { ConfigError, exportFrameworkEnvironment, loadConfig, wantsSandbox } from '../src/config';

const minimal = {
  WEBEX_BOT_TOKEN: 'bot-token-value',
  WEBEX_CLIENT_ID: 'client-id',
  WEBEX_CLIENT_SECRET: 'client-secret-value',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults documented in .env.example', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      webexApiUrl: 'https://webexapis.com/v1',
      publicUrl: null,
      webhookUrl: null,
      oauthScopes: ['spark:recordings_read', 'spark:people_read'],
      databaseUrl: 'sqlite:./data/bot.sqlite',
      defaultTimezone: 'UTC',
      groupLinks: 'private',
      allowedEmailDomains: [],
      commandsPerMinute: 20,
      port: 3000,
      logLevel: 'info',
      production: false,
      oauthRedirectUri: 'http://localhost:3000/oauth/callback',
      recordingWebhookUrl: null,
      recordingPollIntervalMs: 5 * 60_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('derives webhook mode and the OAuth redirect from PUBLIC_URL', () => {
    const config = loadConfig({ ...minimal, PUBLIC_URL: 'https://bot.example.com/', WEBHOOK_SECRET: 's' });
    expect(config.webhookUrl).toBe('https://bot.example.com/webhooks/webex');
    expect(config.oauthRedirectUri).toBe('https://bot.example.com/oauth/callback');
    expect(config.recordingWebhookUrl).toBe('https://bot.example.com/webhooks/recordings');
  });

  it('reads SPACES_IN_MEMORY (default 5000) and refuses nonsense', () => {
    expect(loadConfig(minimal).spacesInMemory).toBe(5000);
    expect(loadConfig({ ...minimal, SPACES_IN_MEMORY: '20000' }).spacesInMemory).toBe(20_000);
    for (const bad of ['many', '2.5', '0', '200001']) expect(problemsOf({ ...minimal, SPACES_IN_MEMORY: bad }).join('\n')).toContain('SPACES_IN_MEMORY');
  });

  it('reads RECORDING_POLL_MINUTES and refuses nonsense', () => {
    expect(loadConfig({ ...minimal, RECORDING_POLL_MINUTES: '2' }).recordingPollIntervalMs).toBe(120_000);
    expect(problemsOf({ ...minimal, RECORDING_POLL_MINUTES: 'often' }).join('\n')).toContain('RECORDING_POLL_MINUTES');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      WEBEX_API_URL: 'not a url',
      GROUP_LINKS: 'everyone',
      DEFAULT_TIMEZONE: 'Mars/Olympus',
      COMMANDS_PER_MINUTE: '-3',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    const text = problems.join('\n');
    for (const name of ['WEBEX_BOT_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'WEBEX_API_URL', 'GROUP_LINKS', 'DEFAULT_TIMEZONE', 'COMMANDS_PER_MINUTE', 'PORT', 'LOG_LEVEL', 'DATABASE_URL']) {
      expect(text).toContain(name);
    }
    expect(problems.length).toBeGreaterThanOrEqual(10);
  });

  it('requires WEBHOOK_SECRET in webhook mode and a key in production', () => {
    const problems = problemsOf({ ...minimal, PUBLIC_URL: 'https://bot.example.com', NODE_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringContaining('WEBHOOK_SECRET'),
      expect.stringContaining('TOKEN_ENCRYPTION_KEY'),
    ]);
  });

  it('refuses a key that is not 32 bytes without echoing it', () => {
    const problems = problemsOf({ ...minimal, TOKEN_ENCRYPTION_KEY: 'c2hvcnQta2V5' });
    expect(problems.join()).toContain('TOKEN_ENCRYPTION_KEY');
    expect(problems.join()).not.toContain('c2hvcnQta2V5');
  });

  it('never echoes secret values in its message', () => {
    const err = (() => {
      try {
        loadConfig({ WEBEX_BOT_TOKEN: 'very-secret-bot-token', PORT: 'x' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected failure');
    })();
    expect(err.message).not.toContain('very-secret-bot-token');
  });

  it('parses lists and numbers', () => {
    const config = loadConfig({ ...minimal, ALLOWED_EMAIL_DOMAINS: 'Example.com, @corp.example ,', COMMANDS_PER_MINUTE: '0', GROUP_LINKS: 'PUBLIC', OAUTH_SCOPES: 'a b,c' });
    expect(config.allowedEmailDomains).toEqual(['example.com', 'corp.example']);
    expect(config.commandsPerMinute).toBe(0);
    expect(config.groupLinks).toBe('public');
    expect(config.oauthScopes).toEqual(['a', 'b', 'c']);
  });

  it('points the framework SDK at the configured API', () => {
    const env: NodeJS.ProcessEnv = {};
    exportFrameworkEnvironment(loadConfig({ ...minimal, WEBEX_API_URL: 'http://127.0.0.1:9901/v1' }), env);
    expect(env.HYDRA_SERVICE_URL).toBe('http://127.0.0.1:9901/v1');
    expect(env.U2C_SERVICE_URL).toBe('http://127.0.0.1:9901/u2c/api/v1');
  });

  it('runs the sandbox only when nothing about a Webex bot is configured, outside production', () => {
    expect(wantsSandbox({})).toBe(true);
    expect(wantsSandbox({ PORT: '3000', LOG_LEVEL: 'debug', DATABASE_URL: 'sqlite::memory:' })).toBe(true);
    expect(wantsSandbox({ WEBEX_BOT_TOKEN: 'x' })).toBe(false);
    expect(wantsSandbox({ NODE_ENV: 'production' })).toBe(false);
    for (const name of ['WEBEX_API_URL', 'PUBLIC_URL', 'WEBHOOK_SECRET', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'OAUTH_SCOPES']) {
      expect(wantsSandbox({ [name]: 'set' })).toBe(false);
    }
    expect(wantsSandbox({ PUBLIC_URL: '  ' })).toBe(true);
  });

  it('lists every problem of the empty production environment in one error, the key included', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    const text = problems.join('\n');
    for (const name of ['WEBEX_BOT_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'SIGN_IN_URL']) expect(text).toContain(name);
  });

  it('lists the cross-setting problems with the schema problems, not on the next try', () => {
    const problems = problemsOf({ PUBLIC_URL: 'https://bot.example.com', TOKEN_ENCRYPTION_KEY: 'c2hvcnQta2V5' });
    const text = problems.join('\n');
    for (const name of ['WEBEX_BOT_TOKEN', 'WEBHOOK_SECRET', 'TOKEN_ENCRYPTION_KEY']) expect(text).toContain(name);
  });

  const production = { ...minimal, NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

  it('refuses a plain-http PUBLIC_URL or SIGN_IN_URL in production, except on this machine for PUBLIC_URL', () => {
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://bot.example.com', WEBHOOK_SECRET: 's' }).join('\n')).toMatch(/PUBLIC_URL must be an https/);
    expect(problemsOf({ ...production, SIGN_IN_URL: 'http://bot.intranet.example' }).join('\n')).toMatch(/SIGN_IN_URL must be an https/);
    expect(loadConfig({ ...production, PUBLIC_URL: 'https://bot.example.com', WEBHOOK_SECRET: 's' }).production).toBe(true);
    // Outside production a plain-http address is fine (a laptop, the sandbox, tests).
    expect(loadConfig({ ...minimal, PUBLIC_URL: 'http://10.0.0.5:3000', WEBHOOK_SECRET: 's' }).publicUrl).toBe('http://10.0.0.5:3000');
  });

  it('refuses a production start whose sign-in address nobody else can reach', () => {
    expect(problemsOf(production).join('\n')).toMatch(/SIGN_IN_URL \(or PUBLIC_URL\) is required/);
    expect(problemsOf({ ...production, SIGN_IN_URL: 'http://localhost:3000' }).join('\n')).toMatch(/SIGN_IN_URL is a localhost address/);
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://127.0.0.1:3000', WEBHOOK_SECRET: 's' }).join('\n')).toMatch(/PUBLIC_URL is a localhost address/);
  });

  it('takes the sign-in base URL from SIGN_IN_URL in either mode, else PUBLIC_URL, else localhost', () => {
    const socket = loadConfig({ ...production, SIGN_IN_URL: 'https://recbot.intranet.example/' });
    expect(socket.publicUrl).toBeNull();
    expect(socket.signInUrl).toBe('https://recbot.intranet.example');
    expect(socket.oauthRedirectUri).toBe('https://recbot.intranet.example/oauth/callback');
    const webhook = loadConfig({ ...minimal, PUBLIC_URL: 'https://bot.example.com', WEBHOOK_SECRET: 's', SIGN_IN_URL: 'https://signin.example.com' });
    expect(webhook.oauthRedirectUri).toBe('https://signin.example.com/oauth/callback');
    expect(webhook.webhookUrl).toBe('https://bot.example.com/webhooks/webex');
    expect(loadConfig({ ...minimal, PUBLIC_URL: 'https://bot.example.com', WEBHOOK_SECRET: 's' }).signInUrl).toBe('https://bot.example.com');
    expect(loadConfig({ ...minimal, PORT: '8080' }).oauthRedirectUri).toBe('http://localhost:8080/oauth/callback');
    expect(problemsOf({ ...minimal, SIGN_IN_URL: 'not a url' }).join('\n')).toContain('SIGN_IN_URL must be an http(s) URL');
    expect(wantsSandbox({ SIGN_IN_URL: 'https://x.example' })).toBe(false);
  });
});
