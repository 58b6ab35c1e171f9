import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('dispatches')
export class DispatchEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text', { name: 'dispatch_key' }) dispatchKey: string;
  @Column('uuid', { name: 'rule_id' }) ruleId: string;
  @Column('text', { name: 'customer_id' }) customerId: string;
  @Column('text') occasion: string;
  @Column('integer') step: number;
  @Column('text', { nullable: true }) channel: string | null;
  @Column('text') status: string;
  @Column('text', { nullable: true }) reason: string | null;
  /** Why the step's preferred channels were passed over, when it went out on a later one. */
  @Column('text', { name: 'fallback_reason', nullable: true }) fallbackReason: string | null;
  @Column('timestamptz', { name: 'due_at', nullable: true }) dueAt: Date | null;
  @Column('text', { name: 'provider_response', nullable: true })
  providerResponse: string | null;
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;
  @Column('timestamptz', { name: 'cap_counted_at', nullable: true })
  capCountedAt: Date | null;
  /** First open and click of the message (CONTRACT §6), and every click counted. */
  @Column('timestamptz', { name: 'opened_at', nullable: true }) openedAt: Date | null;
  @Column('timestamptz', { name: 'clicked_at', nullable: true }) clickedAt: Date | null;
  @Column('integer', { default: 0 }) clicks: number;
}
