import net from 'node:net';
import { coalesceWrites } from './mail-transport';

/** Records what reaches the "wire": one entry per uncorked flush. */
function fakeSocket() {
  const flushes: string[][] = [];
  let pending: string[] | null = null;
  const socket = {
    cork: jest.fn(() => {
      pending = [];
    }),
    uncork: jest.fn(() => {
      if (pending) flushes.push(pending);
      pending = null;
    }),
    write: jest.fn((chunk: string) => {
      if (pending) pending.push(chunk);
      else flushes.push([chunk]);
      return true;
    }),
  };
  return { socket: socket as unknown as net.Socket, raw: socket, flushes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  it('sends the writes of one event-loop turn together', async () => {
    const { socket, raw, flushes } = fakeSocket();
    coalesceWrites(socket);
    socket.write('MAIL FROM:<a@example.com>\r\n');
    socket.write('header\r\n');
    socket.write('body\r\n');
    expect(flushes).toEqual([]);
    await nextTurn();
    expect(flushes).toEqual([['MAIL FROM:<a@example.com>\r\n', 'header\r\n', 'body\r\n']]);
    expect(raw.cork).toHaveBeenCalledTimes(1);
  });

  it('corks again for the next turn', async () => {
    const { socket, flushes } = fakeSocket();
    coalesceWrites(socket);
    socket.write('one');
    await nextTurn();
    socket.write('two');
    await nextTurn();
    expect(flushes).toEqual([['one'], ['two']]);
  });

  it('returns what the socket returns', () => {
    const { socket, raw } = fakeSocket();
    raw.write.mockReturnValueOnce(false);
    coalesceWrites(socket);
    expect(socket.write('x')).toBe(false);
  });
});
