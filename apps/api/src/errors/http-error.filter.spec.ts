import { toErrorBody } from './http-error.filter';

/** What TypeORM's QueryFailedError carries of pg's error: the SQLSTATE on itself and on driverError. */
const databaseError = (code: string): Error =>
  Object.assign(new Error('from PostgreSQL'), { code, driverError: { code } });

describe('toErrorBody', () => {
  it('answers a data exception (SQLSTATE class 22) as the client’s 400', () => {
    for (const code of ['22021', '22003', '22008', '22P02', '22001']) {
      expect(toErrorBody(databaseError(code))).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `a value in the request cannot be stored (SQLSTATE ${code})`,
      });
    }
  });

  it('keeps every other database error a 500 without its text', () => {
    for (const code of ['57P01', '08006', '40P01', '23505', '42601', '53300']) {
      expect(toErrorBody(databaseError(code))).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'internal error',
      });
    }
  });

  it('maps the body parser’s own refusals to their 4xx', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(toErrorBody(tooLarge)).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'the request body is too large',
    });
  });
});
