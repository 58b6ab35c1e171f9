import { ApiKeyRegistry } from './api-key-registry';

describe('ApiKeyRegistry', () => {
  const registry = new ApiKeyRegistry([
    { role: 'marketer', key: 'marketer-secret' },
    { role: 'ops', key: 'ops-secret' },
  ]);

  it('finds the role of a configured key', () => {
    expect(registry.roleOf('marketer-secret')).toBe('marketer');
    expect(registry.roleOf('ops-secret')).toBe('ops');
  });

  it('knows no other key, including prefixes and extensions of real ones', () => {
    for (const key of ['', 'marketer', 'marketer-secret ', 'ops-secret2', 'OPS-SECRET'])
      expect(registry.roleOf(key)).toBeNull();
    expect(new ApiKeyRegistry([]).roleOf('anything')).toBeNull();
  });
});
