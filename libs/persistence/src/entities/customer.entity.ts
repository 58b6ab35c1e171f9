import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('customers')
export class CustomerEntity {
  @PrimaryColumn('text') id: string;
  @Column('text', { nullable: true }) email: string | null;
  @Column('text', { name: 'first_name', nullable: true }) firstName: string | null;
  @Column('text', { name: 'last_name', nullable: true }) lastName: string | null;
  @Column('date', { nullable: true }) birthday: string | null;
  @Column('text', { nullable: true }) timezone: string | null;
  @Column('text', { nullable: true }) locale: string | null;
  @Column('jsonb') traits: Record<string, unknown>;
  @Column('boolean', { name: 'email_consent' }) emailConsent: boolean;
  @Column('boolean', { name: 'webpush_consent' }) webpushConsent: boolean;
  /** Set by a hard bounce of `email` (email service); cleared when the customer identifies with another address. */
  @Column('timestamptz', { name: 'email_undeliverable_at', nullable: true })
  emailUndeliverableAt: Date | null;
  @Column('text', { name: 'email_undeliverable_reason', nullable: true })
  emailUndeliverableReason: string | null;
  @Column('text', { name: 'merged_into', nullable: true }) mergedInto: string | null;
  @Column('timestamptz', { name: 'last_seen_at', nullable: true })
  lastSeenAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
