import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from './errors.ts';

describe('error codes', () => {
  it('every code is documented in the README with its HTTP status', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(errorCodes)) {
      expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
    }
  });
});
