import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A piece of background work driven by an @nestjs/schedule interval: one run at a time (a tick that
 * arrives while the work runs joins it instead of starting a second), failures logged and retried on
 * the next tick, and a shutdown that waits for the run in progress.
 */
export class PollingLoop {
  private readonly logger: Logger;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly scheduler: SchedulerRegistry,
    private readonly work: () => Promise<unknown>,
  ) {
    this.logger = new Logger(name);
  }

  /** Long runs check this between batches so a shutdown does not wait for a whole backlog. */
  get isStopped(): boolean {
    return this.stopped;
  }

  start(intervalMs: number): void {
    this.scheduler.addInterval(
      this.name,
      setInterval(() => void this.tick(), intervalMs),
    );
  }

  tick(): Promise<void> {
    this.running ??= this.work()
      .then(() => undefined)
      .catch((error: Error) => this.logger.error(`${this.name} failed, will retry: ${error.stack ?? error.message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', this.name)) this.scheduler.deleteInterval(this.name);
    await this.running;
  }
}
