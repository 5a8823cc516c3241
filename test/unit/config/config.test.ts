import { ConfigError, parseConfig } from '../../../src/config';

describe('configuration from the environment', () => {
  it('points at the local stack when nothing is set', () => {
    const env = parseConfig({});
    expect(env.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(env.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/');
    expect(env.SMTP_URL).toBe('smtp://127.0.0.1:1025');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ TEMPORAL_ADDRESS: '' }).TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
  });

  it('takes externally provided services as given', () => {
    const env = parseConfig({
      TEMPORAL_ADDRESS: 'temporal.prod.internal:7233',
      MONGODB_URI: 'mongodb://db1,db2/?replicaSet=rs0',
      SMTP_URL: 'smtps://user:pw@mail.example.com:465',
    });
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal.prod.internal:7233',
      MONGODB_URI: 'mongodb://db1,db2/?replicaSet=rs0',
      SMTP_URL: 'smtps://user:pw@mail.example.com:465',
    });
  });

  it.each([
    ['TEMPORAL_ADDRESS', 'nonsense', 'must be host:port'],
    ['MONGODB_URI', 'postgres://x', 'must be a mongodb://'],
    ['SMTP_URL', 'http://mail', 'must be an smtp://'],
    ['TEMPORAL_TLS', 'yes', 'must be true or false'],
    ['GATEWAY_URLS', 'http://a, http://b', 'comma-separated list'],
    ['GATEWAY_ADMIN_TOKEN', 'short', 'at least 16 characters'],
    ['MAIL_FROM', 'not-an-address', 'must be an email address'],
  ])('rejects %s=%s naming the variable and the rule', (name, value, rule) => {
    let caught: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: .*${rule.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('reports every broken variable at once', () => {
    expect(() => parseConfig({ TEMPORAL_ADDRESS: 'x', MONGODB_URI: 'y' })).toThrow(/TEMPORAL_ADDRESS[\s\S]*MONGODB_URI/);
  });

});
