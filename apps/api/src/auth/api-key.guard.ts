import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../common/http-types';
import { ApiKeyRegistry } from './api-key-registry';
import { IS_PUBLIC } from './public.decorator';

/** Methods that cannot change anything: all the read-only ops role may use. */
const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export const API_KEY_HEADER = 'X-API-Key';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic === true) return true;

    const request = context.switchToHttp().getRequest<HttpRequest>();
    const presented = request.headers[API_KEY_HEADER.toLowerCase()];
    if (typeof presented !== 'string' || presented.length === 0) {
      throw new UnauthorizedException(`the ${API_KEY_HEADER} header is required`);
    }
    const role = this.registry.roleOf(presented);
    if (role === null) throw new UnauthorizedException('the API key is not valid');
    if (role === 'ops' && !READ_ONLY_METHODS.has(request.method)) {
      throw new ForbiddenException('the ops role is read-only');
    }
    return true;
  }
}
