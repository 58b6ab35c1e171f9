import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('push_subscriptions')
export class PushSubscriptionEntity {
  @PrimaryColumn('text') endpoint: string;
  @Column('text', { name: 'customer_id' }) customerId: string;
  @Column('text') p256dh: string;
  @Column('text') auth: string;
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
