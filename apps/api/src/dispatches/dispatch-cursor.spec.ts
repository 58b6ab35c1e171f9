import { decodeCursor, encodeCursor } from './dispatch-cursor';

describe('dispatch cursor', () => {
  const cursor = { createdAt: '2024-03-01T10:00:00.123456Z', id: '0b6f3c1e-5d0a-4a4e-9a43-2f1d7c9b8e01' };

  it('round-trips with microsecond precision', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects anything it did not issue', () => {
    for (const value of [
      '',
      'garbage',
      Buffer.from('2024-03-01|x').toString('base64url'),
      Buffer.from(`${cursor.createdAt}|${cursor.id}|x`).toString('base64url'),
    ]) {
      expect(decodeCursor(value)).toBeNull();
    }
    expect(decodeCursor(Buffer.from(`2024-03-01T10:00:00Z|${cursor.id}`).toString('base64url'))).toBeNull();
  });
});
