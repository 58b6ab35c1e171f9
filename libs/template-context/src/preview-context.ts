import { EntityManager } from 'typeorm';
import {
  BirthdayParams,
  firstStepDelayMs,
  nextBirthdayStep,
  ReorderParams,
  reorderRunsOutAt,
  Rule,
} from '@beckon/rules';
import { birthdayTemplateData } from './birthday-context';
import { cartTemplateData, loadLatestOpenCart } from './cart-context';
import { loadCatalog, productTemplateData } from './catalog';
import { loadOrderHistories, productIdsIn, sleepTemplateData } from './order-history';
import { Recipient } from './recipient';
import { loadReorderClocks, reorderTemplateData, runningOutTogether } from './reorder-context';

export interface PreviewOptions {
  /** The product a back-in-stock or reorder preview is about; else the customer's latest one. */
  productId?: string;
  /** The customer's zone when they have none (birthday). */
  defaultTimezone: string;
  now: Date;
}

/**
 * The trigger data a rule's step would see for this customer now, built by the same functions the
 * engine uses when the step fires, so a preview shows what the customer would get.
 */
export async function previewContext(
  db: EntityManager,
  rule: Rule,
  recipient: Recipient,
  options: PreviewOptions,
): Promise<Record<string, unknown>> {
  switch (rule.trigger) {
    case 'abandoned_cart': {
      const cart = await loadLatestOpenCart(db, recipient.id);
      return { cart: cart === null ? null : cartTemplateData(cart) };
    }
    case 'sleeping_customer': {
      const orders = (await loadOrderHistories(db, [recipient.id])).get(recipient.id) ?? [];
      return sleepTemplateData(orders, await loadCatalog(db, productIdsIn(orders)), options.now);
    }
    case 'back_in_stock': {
      const productId = options.productId ?? (await latestRequestedProduct(db, recipient.id));
      if (productId === null) return { product: null };
      const catalog = await loadCatalog(db, [productId]);
      return { product: productTemplateData({ product_id: productId }, catalog.get(productId)) };
    }
    case 'consumable_reorder': {
      const params = rule.params as ReorderParams;
      const clocks = (await loadReorderClocks(db, [recipient.id])).get(recipient.id) ?? [];
      const runsOut = (c: (typeof clocks)[number]) => reorderRunsOutAt(c.orderedAt, c.supplyDays, params).getTime();
      const clock =
        options.productId === undefined
          ? [...clocks].sort((a, b) => runsOut(a) - runsOut(b))[0]
          : clocks.find((c) => c.productId === options.productId);
      if (clock === undefined) return reorderTemplateData([], new Map());
      const together = runningOutTogether(clock, clocks, params);
      return reorderTemplateData(
        together,
        await loadCatalog(
          db,
          together.map((c) => c.productId),
        ),
      );
    }
    case 'birthday': {
      if (recipient.birthday === null) return { birthday: null };
      const zone = recipient.timezone ?? options.defaultTimezone;
      const next = nextBirthdayStep(
        recipient.birthday,
        rule.params as BirthdayParams,
        zone,
        firstStepDelayMs(rule),
        options.now,
      );
      return { birthday: birthdayTemplateData(recipient.birthday, next.year) };
    }
  }
}

async function latestRequestedProduct(db: EntityManager, customerId: string): Promise<string | null> {
  const [row]: Array<{ product_id: string }> = await db.query(
    `SELECT product_id FROM stock_requests WHERE customer_id = $1 ORDER BY id DESC LIMIT 1`,
    [customerId],
  );
  return row?.product_id ?? null;
}
