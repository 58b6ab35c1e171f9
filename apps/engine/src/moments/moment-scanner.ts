import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { Rule, Trigger } from '@beckon/rules';
import { ALL_TRIGGER_DEFINITIONS, laterCursor, MomentScan, scanCorrelationId, TriggerPorts } from '@beckon/triggers';
import { RuleCache } from '../rules/rule-cache';
import { PollingLoop } from '../scheduling/polling-loop';
import { TRIGGER_PORTS } from '../triggers/trigger-ports';
import { ScanCursorRepository } from './scan-cursor.repository';

export interface ScanReport {
  ruleId: string;
  stream: string;
  pages: number;
  scheduled: number;
}

/**
 * Time-based evaluation: every SCAN_INTERVAL_MS, each enabled rule of a trigger whose definition has
 * a scan (sleeping customer, birthday, reorder) walks its moments from where it stopped to its horizon, a page per transaction. The
 * cursor is claimed with SKIP LOCKED, so several engines share the walk and never do a page twice at
 * once; a new or re-enabled rule catches up on the history that existed before it.
 */
@Injectable()
export class MomentScanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MomentScanner.name);
  private readonly scans = new Map<Trigger, MomentScan>(
    ALL_TRIGGER_DEFINITIONS.flatMap((definition) =>
      definition.scan === undefined ? [] : [[definition.trigger, definition.scan] as const],
    ),
  );
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly rules: RuleCache,
    private readonly cursors: ScanCursorRepository,
    @Inject(TRIGGER_PORTS) private readonly ports: TriggerPorts,
    scheduler: SchedulerRegistry,
  ) {
    this.loop = new PollingLoop('moment-scan', scheduler, () => this.scanAll());
  }

  onApplicationBootstrap(): void {
    this.loop.start(this.config.SCAN_INTERVAL_MS);
    // Catch up at once after a start rather than a whole interval later.
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  async scanAll(now = new Date()): Promise<ScanReport[]> {
    await this.rules.refreshIfChanged();
    const reports: ScanReport[] = [];
    for (const rule of (await this.rules.all()).values()) {
      if (rule.enabled && this.scans.has(rule.trigger)) reports.push(...(await this.scanRule(rule, now)));
    }
    return reports;
  }

  /** Walks one rule's streams up to the horizon of `now`. */
  async scanRule(rule: Rule, now = new Date()): Promise<ScanReport[]> {
    const scan = this.scans.get(rule.trigger)!;
    const horizon = scan.horizon(now, this.config.SCAN_INTERVAL_MS);
    const reports: ScanReport[] = [];
    const tick = { horizon, correlationId: scanCorrelationId(rule.id, now) };
    for (const stream of scan.streams(rule)) {
      const report = { ruleId: rule.id, stream, pages: 0, scheduled: 0 };
      let done = false;
      while (!done && !this.loop.isStopped) {
        done = await this.dataSource.transaction(async (tx) => {
          const stored = await this.cursors.claim(tx, rule.id, stream);
          if (stored === null) return true; // another engine is walking this stream right now
          const cursor = laterCursor(stored, scan.floor(rule, stream, now));
          const page = await scan.page(tx, rule, stream, cursor, tick, this.ports);
          await this.cursors.save(tx, rule.id, stream, page.cursor);
          report.pages += 1;
          report.scheduled += page.scheduled;
          return page.done;
        });
      }
      if (report.scheduled > 0) this.logger.log(`rule ${rule.id} ${stream}: scheduled ${report.scheduled} first steps`);
      reports.push(report);
    }
    return reports;
  }
}
