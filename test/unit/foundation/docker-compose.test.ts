import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envSchema, parseConfig } from '../../../src/config';
import { SEARCH_ATTRIBUTE_KEYS } from '../../../src/contracts/search-attributes';

const root = join(__dirname, '../../..');
interface Service { environment?: Record<string, string>; command?: string[]; ports?: string[]; image?: string; build?: string }
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  const modelshipServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

  it('runs the worker built from the Dockerfile', () => {
    expect(modelshipServices.map(([name]) => name)).toContain('worker');
  });

  it.each(modelshipServices)('wires %s only with variables that src/config knows, with valid values', (_name, service) => {
    const env = service.environment ?? {};
    for (const key of Object.keys(env)) expect(Object.keys(envSchema.shape)).toContain(key);
    expect(() => parseConfig(env)).not.toThrow();
  });

  it.each(modelshipServices)('points %s at the compose services, not at the host', (_name, service) => {
    const env = service.environment ?? {};
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.MONGODB_URI).toMatch(/^mongodb:\/\/mongodb:27017\/\?replicaSet=rs0$/);
    expect(env.SMTP_URL).toBe('smtp://mail:1025');
  });

  it('runs MongoDB 7 as a replica set', () => {
    expect(compose.services.mongodb.image).toBe('mongo:7');
    expect(compose.services.mongodb.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
  });

  it('registers the search attributes the workflows set, as the local stack does', () => {
    const typeName = { KEYWORD: 'Keyword', INT: 'Int' } as Record<string, string>;
    const expected = SEARCH_ATTRIBUTE_KEYS.map((k) => `${k.name}=${typeName[k.type.toUpperCase()] ?? k.type}`).sort();
    const local = /SEARCH_ATTRIBUTES=\(([^)]*)\)/.exec(readFileSync(join(root, 'scripts/stack.sh'), 'utf8'))![1].split(/\s+/);
    const composed = (compose.services.temporal.command ?? [])
      .filter((a) => a.startsWith('--search-attribute='))
      .map((a) => a.slice('--search-attribute='.length));
    expect(composed.sort()).toEqual(expected);
    expect(local.filter(Boolean).sort()).toEqual(expected);
  });

  it('publishes ports on loopback only', () => {
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });
});
