import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { KAFKA } from '@beckon/kafka';
import { TimeoutError, withTimeout } from './with-timeout';

/**
 * Probes the brokers with one long-lived admin client: connecting per probe would cost a TCP and
 * metadata round trip every few seconds, multiplied by every load balancer asking.
 */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  timeoutMs = 2000;
  private admin: Promise<Admin> | null = null;
  /** Probes arriving while one is running share its answer instead of piling up requests on a sick broker. */
  private probe: Promise<boolean> | null = null;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  isUp(): Promise<boolean> {
    this.probe ??= this.check().finally(() => {
      this.probe = null;
    });
    return this.probe;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.discard();
  }

  private async check(): Promise<boolean> {
    try {
      const admin = await withTimeout(this.connectedAdmin(), this.timeoutMs, 'kafka admin connect');
      await withTimeout(admin.describeCluster(), this.timeoutMs, 'kafka describeCluster');
      return true;
    } catch (error) {
      // A slow answer may still come; a failed one means the client is in a bad state, so start afresh next time.
      if (!(error instanceof TimeoutError)) await this.discard();
      return false;
    }
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.admin === null) {
      const client = this.kafka.admin();
      this.admin = client.connect().then(
        () => client,
        async (error: unknown) => {
          await client.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return this.admin;
  }

  private async discard(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }
}
