import { Module } from '@nestjs/common';
import { CatalogRepository } from './catalog.repository';
import { StockRequestRepository } from './stock-request.repository';

/** Products, their stock, and who waits for them. */
@Module({
  providers: [CatalogRepository, StockRequestRepository],
  exports: [CatalogRepository, StockRequestRepository],
})
export class CatalogModule {}
