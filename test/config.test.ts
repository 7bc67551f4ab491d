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
});
