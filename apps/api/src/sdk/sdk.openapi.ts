import { SchemaComponents } from '../openapi/json-schema';

export const SDK_SCHEMAS: SchemaComponents = {
  WebPushPublicKey: {
    type: 'object',
    required: ['publicKey'],
    properties: {
      publicKey: {
        type: 'string',
        description: 'the VAPID public key (RFC 8292), base64url of the uncompressed P-256 point',
        example: 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U',
      },
    },
  },
};
