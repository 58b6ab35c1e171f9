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
