import { MockAgent } from 'undici';
import { createLogger, silentLogger } from '../../src/log';
import { WebexClient, type WebexCallInfo, type WebexClientOptions } from '../../src/webex/client';

export const API_ORIGIN = 'https://webexapis.com';
export const BASE_URL = `${API_ORIGIN}/v1`;
export const TOKEN = 'PERSON-ACCESS-TOKEN-5f1e9c';

export interface Harness {
  agent: MockAgent;
  client: WebexClient;
  api: ReturnType<MockAgent['get']>;
  /** Every wait the client asked for, in ms. */
  sleeps: number[];
  calls: WebexCallInfo[];
  /** JSON log lines, when `captureLogs` was asked for. */
  logs: string[];
}

/** A client on a MockAgent that refuses real connections, with a fake sleep. */
export function harness(options: Partial<WebexClientOptions> & { captureLogs?: boolean } = {}): Harness {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const sleeps: number[] = [];
  const calls: WebexCallInfo[] = [];
  const logs: string[] = [];
  const { captureLogs, ...clientOptions } = options;
  const logger = captureLogs
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } })
    : silentLogger();
  const client = new WebexClient({
    baseUrl: BASE_URL,
    logger,
    dispatcher: agent,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onCall: (info) => calls.push(info),
    ...clientOptions,
  });
  return { agent, client, api: agent.get(API_ORIGIN), sleeps, calls, logs };
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export const json = { 'content-type': 'application/json' };
