import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A rule's own caps exemption and quiet hours; a missing `quietHours` means the global ones apply. */
export interface RulePacing {
  caps?: { exempt: boolean };
  quietHours?: { start: string; end: string } | null;
}

/** A rule's optional opens/clicks tracking and attribution model (CONTRACT §6); {} on rules older than them. */
export interface RuleEngagementColumn {
  tracking?: { clicks?: boolean; opens?: boolean };
  attribution?: { model: 'last_touch' | 'last_click' };
}

@Entity('rules')
export class RuleEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') trigger: string;
  @Column('boolean') enabled: boolean;
  @Column('jsonb') params: Record<string, unknown>;
  @Column('jsonb') steps: unknown[];
  @Column('integer') priority: number;
  @Column('jsonb') pacing: RulePacing;
  // numeric arrives as a string from pg; the API and engine speak of a number.
  @Column('numeric', {
    name: 'holdout_percent',
    transformer: { to: (value: number) => value, from: (value: string | null) => Number(value ?? 0) },
  })
  holdoutPercent: number;
  /** Per channel, as validated (defaults filled in); rules saved before attribution existed hold {}. */
  @Column('jsonb', { name: 'attribution_windows' }) attributionWindows: Partial<Record<'email' | 'webpush', string>>;
  @Column('jsonb', { name: 'engagement', default: {} }) engagement: RuleEngagementColumn;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt: Date | null;
}
