import { describeDatabaseError, isTransientDatabaseFault } from './database-fault';

const pgError = (code: string, message = 'x', detail?: string) => Object.assign(new Error(message), { code, detail });

describe('isTransientDatabaseFault', () => {
  it('retries what the database being away or busy causes', () => {
    for (const error of [
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('08006'),
      pgError('40001'),
      pgError('40P01'),
      pgError('53300', 'too many connections'),
      pgError('55P03'),
      pgError('42P01', 'relation "customers" does not exist'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(isTransientDatabaseFault(error)).toBe(true);
    }
  });

  it('blames the data for what only data causes', () => {
    for (const error of [
      pgError('22P02', 'invalid input syntax for type json'),
      pgError('22003', 'numeric field overflow'),
      pgError('22008', 'date/time field value out of range'),
      pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
      pgError('23505'),
      pgError('54001', 'stack depth limit exceeded'),
      new RangeError('Invalid time value'),
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      'a thrown string',
      null,
    ]) {
      expect(isTransientDatabaseFault(error)).toBe(false);
    }
  });
});

describe('describeDatabaseError', () => {
  it('puts the SQLSTATE, the message and the detail on one line', () => {
    expect(describeDatabaseError(pgError('22P02', 'invalid input syntax for type json', 'Token "x" is invalid.'))).toBe(
      '22P02 invalid input syntax for type json: Token "x" is invalid.',
    );
    expect(describeDatabaseError(new RangeError('Invalid time value'))).toBe('Invalid time value');
  });
});
