import { z } from 'zod';

/** POST /v1/rules/{id}/preview: whom to render the step for. */
export const previewRequestSchema = z
  .strictObject({
    customerId: z.string().min(1).max(255),
    /** 1-based, as the dispatch log numbers steps. */
    step: z.number().int().min(1).max(10).default(1),
    productId: z.string().min(1).max(255).optional(),
  })
  .meta({
    description:
      'Whom to preview the step for. `productId` picks the product of a back-in-stock or reorder preview (default: the customer’s latest).',
  });
