import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome } from './outcomes';

/** Prometheus metrics served at /metrics: commands by outcome, Webex calls by status, latency. */
export interface Metrics {
  recordOutcome(command: string, outcome: Outcome, seconds: number): void;
  recordWebexCall(info: { method: string; path: string; status: number; durationMs: number }): void;
  /** An error nobody caught (see last-resort.ts). */
  recordProcessFault(kind: string): void;
  /** One inbox event attempt ended: done, to be retried, or parked as failed. */
  recordInboxEvent(result: 'done' | 'retry' | 'parked'): void;
  /** Websocket mode: the socket is open (1) or not (0). */
  setSocketConnected(connected: boolean): void;
  /** Websocket mode: the socket closed (transient: the SDK retries; permanent, replaced). */
  recordSocketDisconnect(kind: string): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/** Collapses IDs out of API paths so the label set stays small ("/convergedRecordings/:id"). */
export function routeOf(path: string): string {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  return '/' + segments.map((s, i) => (i > 0 && !/^(me|actions|direct)$/.test(s) ? ':id' : s)).join('/');
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const commands = new Counter({
    name: 'recbot_commands_total',
    help: 'Commands and card clicks handled, by command and outcome',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'recbot_command_duration_seconds',
    help: 'Time from receiving a command to its last reply',
    labelNames: ['command'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const calls = new Counter({
    name: 'recbot_webex_calls_total',
    help: 'Webex REST calls made by the bot, by method, route and status (0: no answer)',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const faults = new Counter({
    name: 'recbot_process_faults_total',
    help: 'Errors no caller handled: unhandled promise rejections and uncaught exceptions',
    labelNames: ['kind'],
    registers: [registry],
  });
  faults.inc({ kind: 'unhandledRejection' }, 0);
  faults.inc({ kind: 'uncaughtException' }, 0);
  const inboxEvents = new Counter({
    name: 'recbot_inbox_events_total',
    help: 'Webhook event attempts from the inbox, by result (done, retry, parked: failed for good)',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of ['done', 'retry', 'parked']) inboxEvents.inc({ result }, 0);
  const socketConnected = new Gauge({
    name: 'recbot_socket_connected',
    help: 'Websocket mode: 1 while the Webex websocket is open, 0 while it is closed',
    registers: [registry],
  });
  const socketDisconnects = new Counter({
    name: 'recbot_socket_disconnects_total',
    help: 'Websocket mode: closes of the Webex websocket, by kind (transient, permanent, replaced)',
    labelNames: ['kind'],
    registers: [registry],
  });
  return {
    setSocketConnected(connected) {
      socketConnected.set(connected ? 1 : 0);
    },
    recordSocketDisconnect(kind) {
      socketDisconnects.inc({ kind });
    },
    recordProcessFault(kind) {
      faults.inc({ kind });
    },
    recordInboxEvent(result) {
      inboxEvents.inc({ result });
    },
    recordOutcome(command, outcome, seconds) {
      commands.inc({ command, outcome });
      latency.observe({ command }, seconds);
    },
    recordWebexCall(info) {
      calls.inc({ method: info.method, route: routeOf(info.path), status: String(info.status) });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
