export { customerTemplateData, messageData, reachOf } from './recipient';
export type { Recipient } from './recipient';
export { loadRecipients } from './recipient-loader';
export { loadCatalog, productTemplateData } from './catalog';
export type { CatalogProduct, ProductData, ProductLine } from './catalog';
export { orderTemplateData } from './order';
export { pickRecommendations, RECOMMENDATIONS } from './recommendations';
export type { PastOrder } from './recommendations';
