import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the embedded database, the PostgreSQL queue backend and port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, redisUrl: null, defaultCountry: 'NO', publicBaseUrl: 'http://localhost:3000' });
    expect(config.roles).toEqual({ web: true, worker: true });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ DEFAULT_COUNTRY: 'norway' }, 'DEFAULT_COUNTRY'],
    [{ HUB_ROLES: 'web,cron' }, 'HUB_ROLES'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000' }, 'TWILIO_AUTH_TOKEN'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ WIDGET_ALLOWED_ORIGINS: 'https://shop.example/path' }, 'WIDGET_ALLOWED_ORIGINS'],
    [{ WIDGET_IDENTITY_SECRET: 'short' }, 'WIDGET_IDENTITY_SECRET'],
  ])('rejects %o with one line naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never seeds in production and trims the public base URL', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://hub.example.no/' });
    expect(config.seed.enabled).toBe(false);
    expect(config.publicBaseUrl).toBe('https://hub.example.no');
  });

  it('believes no proxy and no loopback mail host unless told, and refuses TRUST_PROXY=true', () => {
    const defaults = loadConfig({});
    expect(defaults.trustProxy).toBe(false);
    expect(defaults.mailboxHosts).toEqual({ allowLoopback: false, allowPrivate: true });
    expect(loadConfig({ TRUST_PROXY: '1', MAILBOX_ALLOW_PRIVATE: 'false' })).toMatchObject({ trustProxy: 1, mailboxHosts: { allowPrivate: false } });
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });

  it('lets any site embed the chat widget while developing, none in production until named', () => {
    expect(loadConfig({}).widget.allowedOrigins).toBe('*');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).widget.allowedOrigins).toEqual([]);
    const named = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WIDGET_ALLOWED_ORIGINS: 'https://shop.example/, https://butikk.example:8443' });
    expect(named.widget.allowedOrigins).toEqual(['https://shop.example', 'https://butikk.example:8443']);
  });

  it('reads currency rates once: 1.55 NOK per DKK unless told, and refuses codes or rates that are not', () => {
    expect(loadConfig({}).currencyRates).toEqual({ DKK: 1.55 });
    expect(loadConfig({ CURRENCY_RATES: '{"DKK":1.6,"SEK":0.98}' }).currencyRates).toEqual({ DKK: 1.6, SEK: 0.98 });
    expect(() => loadConfig({ CURRENCY_RATES: 'DKK=1.55' })).toThrow(/CURRENCY_RATES/);
    expect(() => loadConfig({ CURRENCY_RATES: '{"dkk":1.55}' })).toThrow(/CURRENCY_RATES/);
    expect(() => loadConfig({ CURRENCY_RATES: '{"DKK":0}' })).toThrow(/CURRENCY_RATES/);
  });
});
