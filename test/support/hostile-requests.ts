import fc from 'fast-check';
import { gzipSync } from 'node:zlib';

/** One request the fuzz test sends, described well enough to replay it from the failure message. */
export interface HostileRequest {
  method: string;
  /** Path and query exactly as sent (percent escapes included). */
  target: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** What the generator meant to try, for the failure report. */
  shape: string;
}

export interface RouteUnderTest {
  method: string;
  /** OpenAPI path template, e.g. /v1/rules/{id}. */
  template: string;
  queryNames: string[];
  takesBody: boolean;
  /** A valid body from the document's examples, mutated into hostile ones. */
  exampleBody?: unknown;
}

/** Over the API's 5 MB JSON limit. */
export const OVERSIZED_BYTES = 5 * 1024 * 1024 + 1024;

const LONE_SURROGATE = '\ud800';

/** Percent-encoded sequences that are not valid UTF-8 or decode to what PostgreSQL refuses. */
const HOSTILE_ESCAPES = [
  '%00',
  '%ED%A0%80',
  '%ED%BF%BF',
  '%C0%80',
  '%C0%AF',
  '%FF',
  '%FE%FF',
  '%E2%82',
  '%',
  '%G1',
  '%25',
];

/** Strings that have broken servers: NUL, surrogates, numbers past every column, odd shapes. */
const HOSTILE_STRINGS = [
  '\u0000',
  `a\u0000b`,
  LONE_SURROGATE,
  '\udfff',
  `x${LONE_SURROGATE}y`,
  '1e308',
  '1e13',
  '-1e13',
  '99999999999999999999999999',
  '-0',
  'NaN',
  'Infinity',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '275760-09-13T00:00:00Z',
  'P99999999999Y',
  'PT0S',
  '__proto__',
  'constructor',
  '',
  ' ',
  '../../etc/passwd',
  'anon:',
  'anon:\u0000',
  'x'.repeat(10_000),
  '\u202e\ufeff',
  '😀',
];

const HOSTILE_NUMBERS = [
  1e308,
  -1e308,
  1e13,
  -1e13,
  1e15,
  3_000_000_000,
  -3_000_000_000,
  2 ** 53 + 2,
  -1,
  0,
  0.5,
  -0.0001,
];

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(true, false, null),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_STRINGS.slice(0, 20)), fc.string()), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

/** Replaces one member (at any depth) of a valid example by a hostile value, so validation is passed up to that field. */
function mutate(example: unknown, choices: number[], replacement: unknown): unknown {
  if (choices.length === 0 || typeof example !== 'object' || example === null) return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(example) ? [...example] : { ...example };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement;
  const key = keys[choices[0]! % keys.length]!;
  const [, ...rest] = choices;
  (copy as Record<string, unknown>)[key] = mutate((copy as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

/**
 * Percent-encodes every UTF-16 code unit as its (generalised) UTF-8 bytes: unlike
 * encodeURIComponent, a lone surrogate becomes %ED%A0%80 rather than an exception, which is
 * exactly the invalid sequence a hostile client would send.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const bytes =
      char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff
        ? [
            0xe0 | (char.charCodeAt(0) >> 12),
            0x80 | ((char.charCodeAt(0) >> 6) & 0x3f),
            0x80 | (char.charCodeAt(0) & 0x3f),
          ]
        : [...Buffer.from(char, 'utf8')];
    encoded += /^[A-Za-z0-9_.~-]$/.test(char)
      ? char
      : bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return encoded;
}

/** Stands for a number JSON can write but JavaScript cannot hold (1e400, 30 digits); swapped in after stringify. */
const RAW_NUMBER_MARKER = '__raw_number__';
const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '-0',
  '1E13',
  '0.0000000000000000000001',
  '1e-400',
];

/**
 * Follows the choices down to a leaf of the example and replaces it by a hostile value of the same
 * JSON type (a string by a hostile string, a number by a hostile or unrepresentable number), so the
 * rest of the body stays valid and the request reaches the route's storage.
 */
function mutateLeaf(example: unknown, choices: number[], text: string, number: number | string): unknown {
  if (typeof example === 'string') return text;
  if (typeof example === 'number') return number;
  if (typeof example !== 'object' || example === null) return example;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(example) ? [...example] : { ...example };
  const keys = Object.keys(copy);
  if (keys.length === 0) return copy;
  const [first = 0, ...rest] = choices;
  const key = keys[first % keys.length]!;
  (copy as Record<string, unknown>)[key] = mutateLeaf((copy as Record<string, unknown>)[key], rest, text, number);
  return copy;
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const malformedJson = fc.constantFrom(
  '{',
  '{"name":',
  '[1,2',
  "{'single':'quotes'}",
  '{"a":1}{"b":2}',
  'null',
  '"just a string"',
  '42',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"\\u0000":1}',
  '{"\\udc00key":1}',
  '{"a":1e400}',
  '{"a":-1e400}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  nested(100),
  nested(100_000),
  `{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
);

/** One buffer shared by every oversized request, so the sample does not hold hundreds of copies. */
const OVERSIZED_BODY = Buffer.from(`{"a":"${'x'.repeat(OVERSIZED_BYTES)}"}`);

type BodyChoice = { body: string | Buffer; contentType?: string; encoding?: string; shape: string };

function bodyArbitrary(route: RouteUnderTest): fc.Arbitrary<BodyChoice> {
  const example = route.exampleBody ?? {};
  // The mutated examples weigh most: they pass validation up to one field and reach storage.
  const memberMutation = fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), hostileValue)
    .map(([choices, value]) => ({
      body: JSON.stringify(mutate(example, choices, value)) ?? 'null',
      contentType: 'application/json',
      shape: 'valid example with one hostile member',
    }));
  const leafMutation = fc
    .tuple(
      fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      fc.constantFrom(...HOSTILE_STRINGS),
      fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.constant(RAW_NUMBER_MARKER)),
      fc.constantFrom(...RAW_NUMBERS),
    )
    .map(([choices, text, number, raw]) => ({
      body: (JSON.stringify(mutateLeaf(example, choices, text, number)) ?? 'null').replaceAll(
        `"${RAW_NUMBER_MARKER}"`,
        raw,
      ),
      contentType: 'application/json',
      shape: 'valid example with one leaf of the same type made hostile',
    }));
  return fc.oneof(
    { arbitrary: leafMutation, weight: 6 },
    { arbitrary: memberMutation, weight: 3 },
    hostileValue.map((value) => ({
      body: JSON.stringify(value) ?? 'null',
      contentType: 'application/json',
      shape: 'hostile JSON value',
    })),
    malformedJson.map((body) => ({ body, contentType: 'application/json', shape: 'malformed or edge JSON text' })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/merge-patch+json',
        'application/octet-stream',
        '*/*',
        ';;;',
      )
      .map((contentType) => ({ body: JSON.stringify(example), contentType, shape: 'wrong content type' })),
    fc.constant({ body: JSON.stringify(example), shape: 'body without content type' }),
    fc
      .constantFrom(
        Buffer.from([0xff, 0xfe, 0x00]),
        Buffer.from('{"a":"\xc3\x28"}', 'latin1'),
        Buffer.from([0xed, 0xa0, 0x80]),
      )
      .map((body) => ({ body, contentType: 'application/json', shape: 'body that is not UTF-8' })),
    fc.constant({ body: OVERSIZED_BODY, contentType: 'application/json', shape: 'body over the 5 MB limit' }),
    fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown').map((encoding) => ({
      body: encoding === 'gzip' ? gzipSync(Buffer.from('{"truncated":')) : JSON.stringify(example),
      contentType: 'application/json',
      encoding,
      shape: 'odd Content-Encoding',
    })),
  );
}

const pathParam = fc.oneof(
  fc.constantFrom(...HOSTILE_ESCAPES),
  fc.constantFrom(...HOSTILE_ESCAPES).map((escape) => `anon:${escape}x`),
  fc.constantFrom(...HOSTILE_STRINGS.filter((text) => text.length < 100)).map(percentEncode),
  fc.string({ unit: 'binary', maxLength: 30 }).map(percentEncode),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '1e308',
    '-1',
    '..',
    '.',
    '%2F',
    '%2e%2e',
  ),
  fc.constant('a'.repeat(8000)),
);

const queryValue = fc.oneof(
  fc.constantFrom(...HOSTILE_ESCAPES),
  fc.constantFrom(...HOSTILE_STRINGS.filter((text) => text.length < 100)).map(percentEncode),
  fc.constantFrom('1e308', '1e13', '-1e13', '99999999999999999999', '0', '-1', '1.5', '[]', '{}', 'a[b]=c', '', 'true'),
  fc.string({ unit: 'binary', maxLength: 20 }).map(percentEncode),
);

function queryArbitrary(route: RouteUnderTest): fc.Arbitrary<string> {
  const name = fc.oneof(
    route.queryNames.length > 0 ? fc.constantFrom(...route.queryNames) : fc.constant('limit'),
    fc.constantFrom('x', '__proto__', 'a[b]', 'a[]', 'limit[$gt]', '%00', '%ED%A0%80', ''),
  );
  const pair = fc.tuple(name, queryValue, fc.boolean()).map(([key, value, bare]) => (bare ? key : `${key}=${value}`));
  return fc
    .array(pair, { minLength: 0, maxLength: 5 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
}

const apiKey = fc.constantFrom<Record<string, string>>(
  { 'X-API-Key': 'test-marketer-key' },
  { 'X-API-Key': 'test-marketer-key' },
  { 'X-API-Key': 'test-ops-key' },
  {},
  { 'X-API-Key': 'wrong' },
  { 'X-API-Key': 'test-marketer-key\u00ff' },
);

const correlation = fc.constantFrom<Record<string, string>>(
  {},
  {},
  { 'X-Correlation-Id': 'x'.repeat(5000) },
  { 'X-Correlation-Id': '\u00ff\u00fe' },
);

export function hostileRequestsFor(route: RouteUnderTest): fc.Arbitrary<HostileRequest> {
  const path = fc.array(pathParam, { minLength: 4, maxLength: 4 }).map((params) => {
    let next = 0;
    return route.template.replace(/\{[^}]+\}/g, () => params[next++]!);
  });
  const body = route.takesBody
    ? fc.option(bodyArbitrary(route), { freq: 5 })
    : fc.option(bodyArbitrary(route), { freq: 1 });
  return fc
    .tuple(path, queryArbitrary(route), apiKey, correlation, body)
    .map(([target, query, key, correlationHeaders, choice]) => {
      const headers: Record<string, string> = { ...key, ...correlationHeaders };
      if (choice?.contentType !== undefined) headers['Content-Type'] = choice.contentType;
      if (choice?.encoding !== undefined) headers['Content-Encoding'] = choice.encoding;
      return {
        method: route.method,
        target: `${target}${query}`,
        headers,
        ...(choice === null || route.method === 'GET' ? {} : { body: choice.body }),
        shape: choice === null || route.method === 'GET' ? 'path and query' : choice.shape,
      };
    });
}
