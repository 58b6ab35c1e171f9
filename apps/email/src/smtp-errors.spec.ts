import { classifySmtpError, isHardBounce } from './smtp-errors';

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

describe('isHardBounce', () => {
  const refused = (command: string, response: string) =>
    Object.assign(new Error(response), { responseCode: Number(response.slice(0, 3)), response, command });

  it('is a 5xx on RCPT TO or DATA', () => {
    expect(isHardBounce(refused('RCPT TO', '550 mailbox unavailable'))).toBe(true);
    expect(isHardBounce(refused('DATA', '554 no such user here'))).toBe(true);
    expect(isHardBounce(refused('RCPT TO', '550 5.1.1 unknown user'))).toBe(true);
    expect(isHardBounce(refused('DATA', '552 5.2.2 mailbox full'))).toBe(true);
  });

  it('is not a temporary refusal, nor one at MAIL FROM (our sender), nor a connection failure', () => {
    expect(isHardBounce(refused('RCPT TO', '450 4.2.1 try later'))).toBe(false);
    expect(isHardBounce(refused('MAIL FROM', '550 sender rejected'))).toBe(false);
    expect(isHardBounce(Object.assign(new Error('down'), { code: 'ECONNECTION' }))).toBe(false);
    expect(isHardBounce('weird')).toBe(false);
  });

  it('is not a refusal whose enhanced code blames the message or a policy', () => {
    expect(isHardBounce(refused('DATA', '554 5.7.1 message looks like spam'))).toBe(false);
    expect(isHardBounce(refused('DATA', '552 5.3.4 message too big'))).toBe(false);
  });
});
