import { describe, expect, it } from 'vitest';
import { describeUrl, startupBanner } from './banner.ts';

describe('the development start-up banner', () => {
  it('names the URL, the backends in use and the demo logins, and never a password of a connection string', () => {
    const banner = startupBanner({
      url: 'http://localhost:3000',
      database: { embedded: false, url: 'postgresql://sentral:s3cret@db.internal:5432/sentral' },
      queue: { kind: 'redis', url: 'redis://:hunter2@cache:6379/0' },
      demoLogins: true,
    });
    expect(banner).toContain('http://localhost:3000');
    expect(banner).toContain('PostgreSQL at db.internal:5432/sentral (DATABASE_URL)');
    expect(banner).toContain('BullMQ on Redis at cache:6379/0 (REDIS_URL)');
    expect(banner).toContain('agent@demo.test / agent');
    expect(banner).toContain('supervisor@demo.test / supervisor');
    expect(banner).not.toMatch(/s3cret|hunter2/);
  });

  it('says when the embedded PostgreSQL and BullMQ on PostgreSQL are used, and leaves logins out without a demo tenant', () => {
    const banner = startupBanner({ url: 'http://localhost:3000', database: { embedded: true, dataDir: '.data/pg' }, queue: { kind: 'postgres' }, demoLogins: false });
    expect(banner).toContain('embedded PostgreSQL in .data/pg');
    expect(banner).toContain('BullMQ on PostgreSQL');
    expect(banner).not.toContain('@demo.test');
    expect(describeUrl('not a url')).toBe('a configured server');
  });
});
