import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'beckon:public';

/**
 * Routes a shopper or a probe reaches without a key (health, unsubscribe). Everything else needs
 * one, so a new controller is protected unless someone decides otherwise on purpose.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
