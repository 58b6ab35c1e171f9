import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface CartItem {
  product_id?: string;
  sku?: string;
  name?: string;
  price?: number;
  quantity: number;
  url?: string;
  image_url?: string;
}

@Entity('carts')
export class CartEntity {
  @PrimaryColumn('text') id: string;
  @Column('text', { name: 'customer_id' }) customerId: string;
  @Column('jsonb') items: CartItem[];
  @Column('numeric', {
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  value: number;
  @Column('text', { nullable: true }) currency: string | null;
  @Column('text') status: 'open' | 'ordered' | 'emptied';
  @Column('timestamptz', { name: 'last_activity_at' }) lastActivityAt: Date;
}
