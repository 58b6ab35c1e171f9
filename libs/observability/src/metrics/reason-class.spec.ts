import { reasonClass } from './reason-class';

describe('reasonClass', () => {
  it('folds SMTP and push status codes into classes, keeping the push answers ops act on', () => {
    expect(reasonClass('smtp:550')).toBe('smtp:5xx');
    expect(reasonClass('smtp:421')).toBe('smtp:4xx');
    expect(reasonClass('push:503')).toBe('push:5xx');
    expect(reasonClass('push:410')).toBe('push:410');
    expect(reasonClass('push:404')).toBe('push:404');
    expect(reasonClass('push:429')).toBe('push:429');
    expect(reasonClass('push:418')).toBe('push:4xx');
  });

  it('keeps short machine reasons, bounds the ones that carry text', () => {
    expect(reasonClass('capped:email:16h')).toBe('capped:email:16h');
    expect(reasonClass('smtp:connection')).toBe('smtp:connection');
    expect(reasonClass('push:network')).toBe('push:network');
    expect(reasonClass('template_error:undefined filter url_decode at line 1')).toBe('template_error');
    expect(reasonClass('x'.repeat(200))).toHaveLength(64);
  });

  it('names the absence of a reason', () => {
    expect(reasonClass(null)).toBe('none');
    expect(reasonClass(undefined)).toBe('none');
    expect(reasonClass('')).toBe('none');
  });
});
