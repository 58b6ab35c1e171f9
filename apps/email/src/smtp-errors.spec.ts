import { classifySmtpError } from './smtp-errors';

const smtpError = (responseCode: number, response: string, code = 'EMESSAGE') =>
  Object.assign(new Error(`Message failed: ${response}`), { responseCode, response, code });

describe('classifySmtpError', () => {
  it('retries 4xx replies', () => {
    expect(classifySmtpError(smtpError(451, '451 try later'))).toEqual({
      kind: 'transient',
      reason: 'smtp:451',
      response: '451 try later',
    });
    expect(classifySmtpError(smtpError(421, '421 closing', 'EENVELOPE')).kind).toBe('transient');
  });

  it('fails 5xx replies at once', () => {
    expect(classifySmtpError(smtpError(550, '550 no such user', 'EENVELOPE'))).toEqual({
      kind: 'permanent',
      reason: 'smtp:550',
      response: '550 no such user',
    });
    expect(classifySmtpError(smtpError(554, '554 rejected')).reason).toBe('smtp:554');
  });

  it('retries connection trouble', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ECONNREFUSED', 'ESOCKET', 'ECONNRESET']) {
      expect(classifySmtpError(Object.assign(new Error('down'), { code }))).toEqual({
        kind: 'transient',
        reason: 'smtp:connection',
        response: 'down',
      });
    }
  });

  it('fails what no server answered and no retry can mend', () => {
    expect(classifySmtpError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }))).toEqual({
      kind: 'permanent',
      reason: 'smtp:eenvelope',
      response: 'No recipients defined',
    });
    expect(classifySmtpError('weird')).toEqual({ kind: 'permanent', reason: 'smtp:error', response: 'weird' });
  });
});
