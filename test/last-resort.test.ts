/**
 * The process's last resort: an unhandled rejection is logged as JSON, counted, and the bot goes
 * on; an uncaught exception is logged, counted and followed by a graceful stop and exit code 1.
 * Console output of libraries becomes JSON log lines.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { installLastResort, routeConsoleTo, type ProcessFault } from '../src/last-resort';
import { createLogger } from '../src/log';
import { createMetrics } from '../src/metrics';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('last resort', () => {
  it('logs and counts an unhandled rejection, and neither stops nor exits', async () => {
    const { lines, logger } = capture();
    const proc = new EventEmitter();
    const metrics = createMetrics();
    const stop = jest.fn(async () => undefined);
    const exit = jest.fn();
    installLastResort({ logger, count: (k) => metrics.recordProcessFault(k), stop, stopTimeoutMs: 1000, exit, processLike: proc as never });
    proc.emit('unhandledRejection', new Error('batcher said 503'));
    await tick();
    expect(lines).toEqual([expect.objectContaining({ level: 50, fault: 'unhandledRejection', err: 'Error: batcher said 503', stack: expect.stringContaining('batcher said 503') })]);
    expect((await metrics.render()).body).toContain('recbot_process_faults_total{kind="unhandledRejection"} 1');
    expect(stop).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
  });

  it('stops gracefully after an uncaught exception, then exits with 1, once', async () => {
    const { lines, logger } = capture();
    const proc = new EventEmitter();
    const counted: ProcessFault[] = [];
    let finishStop: () => void = () => undefined;
    const stop = jest.fn(() => new Promise<void>((resolve) => (finishStop = resolve)));
    const exit = jest.fn();
    installLastResort({ logger, count: (k) => counted.push(k), stop, stopTimeoutMs: 60_000, exit, processLike: proc as never });
    proc.emit('uncaughtException', new TypeError('x is undefined'));
    proc.emit('uncaughtException', new TypeError('again'));
    expect(stop).toHaveBeenCalledTimes(1);
    expect(counted).toEqual(['uncaughtException', 'uncaughtException']);
    expect(lines.map((l) => [l.level, l.fault, l.err])).toEqual([
      [60, 'uncaughtException', 'TypeError: x is undefined'],
      [60, 'uncaughtException', 'TypeError: again'],
    ]);
    finishStop();
    await tick();
    expect(exit).toHaveBeenCalledWith(1);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('exits after the timeout when the stop hangs', async () => {
    jest.useFakeTimers();
    try {
      const { logger } = capture();
      const proc = new EventEmitter();
      const exit = jest.fn();
      installLastResort({ logger, count: () => undefined, stop: () => new Promise<void>(() => undefined), stopTimeoutMs: 30_000, exit, processLike: proc as never });
      proc.emit('uncaughtException', new Error('boom'));
      jest.advanceTimersByTime(29_999);
      expect(exit).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('turns console output into JSON log lines at the matching level', () => {
    const { lines, logger } = capture();
    const fake = { log() {}, info() {}, debug() {}, trace() {}, warn() {}, error() {} } as unknown as Console;
    routeConsoleTo(logger, fake);
    fake.error('Failed spawning a bot in roomId: %s.  Error: %s', 'R1', 'answered 503');
    fake.log('plain', { a: 1 });
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, source: 'console', msg: 'Failed spawning a bot in roomId: R1.  Error: answered 503' }),
      expect.objectContaining({ level: 30, source: 'console', msg: 'plain { a: 1 }' }),
    ]);
  });
});
