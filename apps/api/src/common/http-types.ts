/**
 * The few members of Express's request and response the API touches. @types/express is not a
 * dependency, and these narrow shapes keep handlers honest about what they rely on.
 */
export interface HttpRequest {
  method: string;
  url: string;
  originalUrl?: string;
  baseUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: string };
  /** Set by CorrelationMiddleware on every request. */
  correlationId?: string;
  /** Bytes of the JSON body as received, recorded by the JSON parser (the Segment paths limit them). */
  bodyBytes?: number;
  /** The parsed body (body-parser), when the route reads one. */
  body?: unknown;
  /** The role of the key the request presented, set by ApiKeyGuard on routes that need one. */
  apiRole?: 'marketer' | 'ops' | 'source';
}

export interface HttpResponse {
  statusCode: number;
  headersSent: boolean;
  status(code: number): this;
  setHeader(name: string, value: string): this;
  end(body?: Buffer | string): void;
  json(body: unknown): this;
  on(event: 'finish', listener: () => void): this;
}
