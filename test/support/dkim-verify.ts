import { createHash, KeyObject, verify } from 'node:crypto';

/**
 * An independent DKIM check (RFC 6376, rsa-sha256, relaxed/relaxed only), so the test does not trust
 * the signer's own canonicalisation. Returns the signed header names (h=) once bh= and b= verify.
 */
export interface DkimResult {
  domain: string;
  selector: string;
  signedHeaders: string[];
}

interface HeaderField {
  name: string;
  /** The whole field as received, folding included, without the final CRLF. */
  raw: string;
}

export function verifyDkim(rawMessage: string, publicKey: KeyObject): DkimResult {
  const message = rawMessage.replace(/\r?\n/g, '\r\n');
  const split = message.indexOf('\r\n\r\n');
  const headerBlock = split < 0 ? message : message.slice(0, split);
  const body = split < 0 ? '' : message.slice(split + 4);
  const fields = parseFields(headerBlock);

  const signature = fields.find((f) => f.name === 'dkim-signature');
  if (!signature) throw new Error('no DKIM-Signature header');
  const tags = parseTags(signature.raw.slice(signature.raw.indexOf(':') + 1));
  if (tags.get('a') !== 'rsa-sha256') throw new Error(`unsupported a=${tags.get('a')}`);
  if (tags.get('c') !== 'relaxed/relaxed') throw new Error(`unsupported c=${tags.get('c')}`);

  const bodyHash = createHash('sha256').update(relaxedBody(body)).digest('base64');
  if (bodyHash !== tags.get('bh')) throw new Error(`body hash mismatch: ${bodyHash} != ${tags.get('bh')}`);

  const signedHeaders = (tags.get('h') ?? '').split(':').map((name) => name.trim().toLowerCase());
  const used = new Map<string, number>();
  const lines: string[] = [];
  for (const name of signedHeaders) {
    // The nth occurrence of a name is taken from the bottom up (RFC 6376 §5.4.2).
    const instances = fields.filter((f) => f.name === name);
    const index = instances.length - 1 - (used.get(name) ?? 0);
    used.set(name, (used.get(name) ?? 0) + 1);
    if (index >= 0) lines.push(relaxedHeader(instances[index].raw));
  }
  const unsigned = signature.raw.replace(/(\bb=)[^;]*/, '$1');
  const data = lines.join('\r\n') + '\r\n' + relaxedHeader(unsigned);
  const b = Buffer.from((tags.get('b') ?? '').replace(/\s+/g, ''), 'base64');
  if (!verify('sha256', Buffer.from(data), publicKey, b)) throw new Error('signature does not verify');
  return { domain: tags.get('d') ?? '', selector: tags.get('s') ?? '', signedHeaders };
}

function parseFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1].raw += `\r\n${line}`;
    else fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  return fields;
}

function parseTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** Lower-case name, unfolded value, runs of whitespace as one space, none around the colon (§3.4.2). */
function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** Whitespace runs as one space, none at line ends, no empty lines at the end, CRLF-terminated (§3.4.4). */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : lines.join('\r\n') + '\r\n';
}
