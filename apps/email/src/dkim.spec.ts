import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { loadConfig } from '@beckon/config';
import { DKIM_SIGNED_HEADERS, dkimOptions, readPrivateKey } from './dkim';

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
const pem = rsa.toString();

describe('readPrivateKey', () => {
  const exported = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('takes an inline PEM, with real newlines or \\n escapes', () => {
    expect(exported(readPrivateKey(pem))).toBe(pem);
    expect(exported(readPrivateKey(pem.replace(/\n/g, '\\n')))).toBe(pem);
  });

  it('reads a path', () => {
    const read = jest.fn(() => pem);
    expect(exported(readPrivateKey(' /etc/beckon/dkim.pem ', read))).toBe(pem);
    expect(read).toHaveBeenCalledWith('/etc/beckon/dkim.pem');
  });

  it('names the variable when the file is missing or the key unusable', () => {
    expect(() => readPrivateKey('/nonexistent/dkim.pem')).toThrow(/^DKIM_PRIVATE_KEY: cannot read \/nonexistent/);
    expect(() => readPrivateKey('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----')).toThrow(
      /^DKIM_PRIVATE_KEY: not a usable private key/,
    );
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => readPrivateKey(ed)).toThrow(/an RSA key is needed, not ed25519/);
  });
});

describe('dkimOptions', () => {
  it('is undefined without DKIM configuration', () => {
    expect(dkimOptions(loadConfig({}))).toBeUndefined();
  });

  it('signs List-Unsubscribe and List-Unsubscribe-Post with the configured key', () => {
    const config = loadConfig({ DKIM_DOMAIN: 'shop.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: pem });
    const options = dkimOptions(config)!;
    expect(options).toMatchObject({
      domainName: 'shop.example',
      keySelector: 's1',
      headerFieldNames: DKIM_SIGNED_HEADERS,
    });
    // A parsed key, so nodemailer does not parse the PEM again for every mail.
    expect(options.privateKey).toBeInstanceOf(KeyObject);
    expect(DKIM_SIGNED_HEADERS.toLowerCase().split(':')).toEqual(
      expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']),
    );
  });
});
