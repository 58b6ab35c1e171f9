import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../common/http-types';
import { ApiKeyRegistry } from './api-key-registry';
import { ACCEPTS_SEGMENT_CREDENTIALS, ACCEPTS_SOURCE_KEY } from './intake.decorator';
import { API_KEY_HEADER, presentedKey } from './presented-key';
import { IS_PUBLIC } from './public.decorator';

/** Methods that cannot change anything: all the read-only ops role may use. */
const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export { API_KEY_HEADER } from './presented-key';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    if (isPublic === true) return true;

    const request = context.switchToHttp().getRequest<HttpRequest>();
    const segment = this.reflector.getAllAndOverride<boolean>(ACCEPTS_SEGMENT_CREDENTIALS, targets) === true;
    const presented = presentedKey(request, segment);
    if (presented === null) {
      throw new UnauthorizedException(
        segment
          ? `an API key is required: the ${API_KEY_HEADER} header, HTTP Basic with the key as user name, or writeKey`
          : `the ${API_KEY_HEADER} header is required`,
      );
    }
    const role = this.registry.roleOf(presented);
    if (role === null) throw new UnauthorizedException('the API key is not valid');
    if (role === 'ops' && !READ_ONLY_METHODS.has(request.method)) {
      throw new ForbiddenException('the ops role is read-only');
    }
    if (role === 'source' && this.reflector.getAllAndOverride<boolean>(ACCEPTS_SOURCE_KEY, targets) !== true) {
      throw new ForbiddenException('a source (write) key may only send events');
    }
    request.apiRole = role;
    return true;
  }
}
