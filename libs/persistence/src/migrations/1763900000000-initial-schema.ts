import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        id text PRIMARY KEY,
        email text,
        first_name text,
        last_name text,
        birthday date,
        timezone text,
        locale text,
        traits jsonb NOT NULL DEFAULT '{}',
        email_consent boolean NOT NULL DEFAULT true,
        webpush_consent boolean NOT NULL DEFAULT true,
        merged_into text,
        last_seen_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The timeline doubles as the duplicate filter: messageId is the primary key.
    await q.query(`
      CREATE TABLE customer_events (
        message_id text PRIMARY KEY,
        customer_id text,
        type text NOT NULL,
        event text,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX customer_events_customer ON customer_events (customer_id, occurred_at DESC)`);

    await q.query(`
      CREATE TABLE carts (
        id text PRIMARY KEY,
        customer_id text NOT NULL,
        items jsonb NOT NULL DEFAULT '[]',
        value numeric(14,2) NOT NULL DEFAULT 0,
        currency text,
        status text NOT NULL DEFAULT 'open',
        last_activity_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX carts_customer ON carts (customer_id)`);

    await q.query(`
      CREATE TABLE orders (
        id text PRIMARY KEY,
        customer_id text NOT NULL,
        cart_id text,
        total numeric(14,2),
        currency text,
        products jsonb NOT NULL DEFAULT '[]',
        placed_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX orders_customer ON orders (customer_id, placed_at DESC)`);

    await q.query(`
      CREATE TABLE push_subscriptions (
        endpoint text PRIMARY KEY,
        customer_id text NOT NULL,
        p256dh text NOT NULL,
        auth text NOT NULL,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX push_subscriptions_customer ON push_subscriptions (customer_id)`);

    await q.query(`
      CREATE TABLE rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        trigger text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        params jsonb NOT NULL DEFAULT '{}',
        steps jsonb NOT NULL,
        priority integer NOT NULL DEFAULT 100,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX rules_live_by_trigger ON rules (trigger) WHERE deleted_at IS NULL`);

    // The dispatch log is also the timer store: a scheduled or deferred row with a due_at is a pending timer.
    await q.query(`
      CREATE TABLE dispatches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dispatch_key text NOT NULL UNIQUE,
        rule_id uuid NOT NULL,
        customer_id text NOT NULL,
        occasion text NOT NULL,
        step integer NOT NULL,
        channel text,
        status text NOT NULL,
        reason text,
        due_at timestamptz,
        provider_response text,
        correlation_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX dispatches_due ON dispatches (due_at) WHERE status IN ('scheduled', 'deferred')`);
    await q.query(
      `CREATE INDEX dispatches_pending_by_customer ON dispatches (customer_id, occasion) WHERE status IN ('scheduled', 'deferred')`,
    );
    await q.query(`CREATE INDEX dispatches_log ON dispatches (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX dispatches_customer ON dispatches (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX dispatches_rule ON dispatches (rule_id, created_at DESC)`);
    await q.query(`CREATE INDEX dispatches_status ON dispatches (status, created_at DESC)`);

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        message_key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        dispatch_id uuid PRIMARY KEY,
        channel text NOT NULL,
        state text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'delivery_attempts',
      'outbox',
      'dispatches',
      'rules',
      'push_subscriptions',
      'orders',
      'carts',
      'customer_events',
      'customers',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
