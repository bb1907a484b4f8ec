// Latest-wins calls to the core. Every call the page makes to a worker goes through one of these
// channels: a request started later on the same channel supersedes an earlier one, whose answer is
// then dropped (SUPERSEDED) instead of being written over the newer state. Answers may arrive out
// of order (two workers, a multi-step computation), so the check is made when the answer arrives.
import type { CoreFunction } from './protocol.ts';

/** What a request needs of a worker client (core-client.ts's CoreClient). */
export interface Caller {
  call(fn: CoreFunction, arg?: string): Promise<string>;
}

/** The two workers: quick calls (one evaluation per input change) and sweeps (cancellable). */
export type WorkerName = 'quick' | 'sweep';

/** The answer of a request a newer one on its channel has replaced. */
export const SUPERSEDED: unique symbol = Symbol('superseded');
export type Answer = string | typeof SUPERSEDED;

/** One request on a channel; it may make several calls, all dropped once it is superseded. */
export class Ticket {
  constructor(
    private readonly owner: LatestRequests,
    readonly channel: string,
    private readonly n: number,
  ) {}

  /** True while no newer request was started on this ticket's channel. */
  get current(): boolean {
    return this.owner.latest(this.channel) === this.n;
  }

  /** Calls the core; resolves with its text, or SUPERSEDED if a newer request began meanwhile.
   *  Rejections (cancellation, a crashed engine) pass through unchanged. */
  async call(fn: CoreFunction, arg = '', worker: WorkerName = 'quick'): Promise<Answer> {
    const text = await this.owner.worker(worker).call(fn, arg);
    return this.current ? text : SUPERSEDED;
  }
}

export class LatestRequests {
  private readonly seq = new Map<string, number>();

  constructor(private readonly workers: Record<WorkerName, Caller>) {}

  /** Starts a request on `channel`: every older request on it is superseded from now on. */
  begin(channel: string): Ticket {
    const n = (this.seq.get(channel) ?? 0) + 1;
    this.seq.set(channel, n);
    return new Ticket(this, channel, n);
  }

  /** One call as a request of its own on `channel`. */
  request(channel: string, fn: CoreFunction, arg = '', worker: WorkerName = 'quick'): Promise<Answer> {
    return this.begin(channel).call(fn, arg, worker);
  }

  /** The number of the newest request on `channel` (0 before any). */
  latest(channel: string): number {
    return this.seq.get(channel) ?? 0;
  }

  worker(name: WorkerName): Caller {
    return this.workers[name];
  }
}
