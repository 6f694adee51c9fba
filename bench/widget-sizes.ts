import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const widgetDir = join(repoRoot, 'web-widget');
const distDir = join(widgetDir, 'dist');
// Test files and benchmarks may ask at the same time: one builds, the others wait for it.
const buildLock = join(tmpdir(), 'sentral-web-widget-build.lock');

/** The limits issue 12 sets: a loader every page can afford, and a chat bundle (Socket.IO client included). */
export const widgetLimits = { loaderGzipBytes: 2 * 1024, bundleGzipBytes: 35 * 1024 } as const;

export interface WidgetSizes {
  loaderBytes: number;
  loaderGzipBytes: number;
  bundleBytes: number;
  bundleGzipBytes: number;
}

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = (await readdir(path)).filter((entry) => entry !== 'node_modules' && entry !== 'dist');
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((entry) => newestChange(join(path, entry))))));
}

async function isStale(): Promise<boolean> {
  const built = await Promise.all(['widget.js', 'chat.js'].map((file) => stat(join(distDir, file)).then((info) => info.mtimeMs, () => 0)));
  const oldest = Math.min(...built);
  if (!oldest) return true;
  const sources = await Promise.all([join(widgetDir, 'src'), join(widgetDir, 'vite.loader.config.ts'), join(widgetDir, 'vite.chat.config.ts')].map(newestChange));
  return Math.max(...sources) > oldest;
}

/** Builds web-widget/dist with Vite when it is missing or older than its sources. */
export async function ensureWidgetBuilt(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!(await isStale())) return;
    try {
      await mkdir(buildLock);
    } catch {
      const lockAge = Date.now() - (await stat(buildLock).then((info) => info.mtimeMs, () => Date.now()));
      if (lockAge > 60_000) await rmdir(buildLock).catch(() => undefined);
      if (Date.now() > deadline) throw new Error('timed out waiting for another widget build');
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (await isStale()) await run('npm', ['run', 'build', '-w', '@sentral/web-widget'], { cwd: repoRoot, maxBuffer: 10_000_000 });
      return;
    } finally {
      await rmdir(buildLock).catch(() => undefined);
    }
  }
}

/** The loader's and the chat bundle's sizes as a browser downloads them (gzip, level 9). */
export async function widgetSizes(): Promise<WidgetSizes> {
  await ensureWidgetBuilt();
  const [loader, bundle] = await Promise.all([readFile(join(distDir, 'widget.js')), readFile(join(distDir, 'chat.js'))]);
  return {
    loaderBytes: loader.length,
    loaderGzipBytes: gzipSync(loader, { level: 9 }).length,
    bundleBytes: bundle.length,
    bundleGzipBytes: gzipSync(bundle, { level: 9 }).length,
  };
}

// `npx tsx bench/widget-sizes.ts` prints them.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await widgetSizes();
  process.stdout.write(
    `widget loader ${sizes.loaderGzipBytes} B gzip (${sizes.loaderBytes} B), limit ${widgetLimits.loaderGzipBytes} B\n` +
      `chat bundle   ${sizes.bundleGzipBytes} B gzip (${sizes.bundleBytes} B), limit ${widgetLimits.bundleGzipBytes} B\n`,
  );
}
