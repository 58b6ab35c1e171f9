import { Module } from '@nestjs/common';
import { loadSdkAssets } from './sdk-assets';
import { SDK_ASSETS, SdkController } from './sdk.controller';
import { WebPushKeyController } from './webpush-key.controller';

/** The shop's browser side: the kit's scripts and the key its pages subscribe to push with. */
@Module({
  controllers: [SdkController, WebPushKeyController],
  providers: [{ provide: SDK_ASSETS, useFactory: loadSdkAssets }],
})
export class SdkModule {}
