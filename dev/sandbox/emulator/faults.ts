/** Fault injection: errors, delays, held requests and dropped connections applied before normal handling. */
import type { NextFunction, Request, Response } from 'express';
import { sendWebexError } from './errors';
import type { FaultSpec } from './types';

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number | undefined;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private counter = 0;
  /** Requests held by a `hold` fault, per fault id: each entry lets one go on. */
  private readonly holding = new Map<string, Array<() => void>>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds a fault; returns its id (for remove()). */
  add(spec: FaultSpec): string {
    if (spec.probability !== undefined && (spec.probability < 0 || spec.probability > 1)) {
      throw new Error('Emulator: fault probability must be between 0 and 1');
    }
    const id = `fault-${++this.counter}`;
    this.faults.push({ id, spec, remaining: spec.times });
    return id;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  /** Removes every fault and lets every held request go on. */
  clear(): void {
    this.faults = [];
    this.release();
  }

  /** How many requests a `hold` fault (or all of them) holds right now. */
  held(id?: string): number {
    if (id !== undefined) return this.holding.get(id)?.length ?? 0;
    return [...this.holding.values()].reduce((n, list) => n + list.length, 0);
  }

  /** Lets the requests held by a `hold` fault (or by all of them) go on. */
  release(id?: string): void {
    for (const key of id === undefined ? [...this.holding.keys()] : [id]) {
      const waiting = this.holding.get(key) ?? [];
      this.holding.delete(key);
      for (const go of waiting) go();
    }
  }

  list(): Array<{ id: string; spec: FaultSpec; remaining: number | undefined }> {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The fault that applies to this request, consuming one of its `times`; undefined when none does. */
  take(method: string, path: string): FaultSpec | undefined {
    return this.takeActive(method, path)?.spec;
  }

  private takeActive(method: string, path: string): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (fault.remaining !== undefined && fault.remaining <= 0) continue;
      if (!matches(fault.spec, method, path)) continue;
      if (fault.spec.probability !== undefined && this.random() >= fault.spec.probability) continue;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      return fault;
    }
    return undefined;
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const active = this.takeActive(req.method, req.path);
      if (!active) return next();
      const fault = active.spec;
      if (fault.hold) {
        await new Promise<void>((resolve) => {
          const list = this.holding.get(active.id) ?? [];
          list.push(resolve);
          this.holding.set(active.id, list);
        });
      }
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.dropConnection) {
        req.socket.destroy();
        return;
      }
      if (fault.loseAnswer) {
        res.end = (() => {
          req.socket.destroy();
          return res;
        }) as typeof res.end;
        return next();
      }
      if (fault.status === undefined) return next();
      if (fault.afterHandling) {
        const status = fault.status;
        const json = res.json.bind(res);
        res.json = ((body: unknown) => {
          res.json = json;
          // A refusal the route made itself stays what it was: only a success is replaced.
          if (res.statusCode >= 400) return json(body);
          sendWebexError(res, status, fault.message, { retryAfter: fault.retryAfter });
          return res;
        }) as typeof res.json;
        return next();
      }
      sendWebexError(res, fault.status, fault.message, { retryAfter: fault.retryAfter });
    };
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof spec.path === 'string') {
    return spec.path === path || `/v1${spec.path.startsWith('/') ? '' : '/'}${spec.path}` === path;
  }
  spec.path.lastIndex = 0;
  return spec.path.test(path);
}
