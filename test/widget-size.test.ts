import { describe, expect, it } from 'vitest';
import { widgetLimits, widgetSizes } from '../bench/widget-sizes.ts';

describe('the chat widget stays light', () => {
  it('keeps the loader within 2 kB gzip and the chat bundle, Socket.IO client included, within 35 kB gzip', async () => {
    const sizes = await widgetSizes();
    // Something was really built: a loader that is a few bytes would mean an empty build, not a small one.
    expect(sizes.loaderGzipBytes).toBeGreaterThan(300);
    expect(sizes.bundleGzipBytes).toBeGreaterThan(10_000);
    expect(sizes.loaderGzipBytes).toBeLessThanOrEqual(widgetLimits.loaderGzipBytes);
    expect(sizes.bundleGzipBytes).toBeLessThanOrEqual(widgetLimits.bundleGzipBytes);
  });
});
