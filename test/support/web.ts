import { execFile } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from './hub.ts';

const run = promisify(execFile);
const webAgent = join(repoRoot, 'web-agent');
const builtIndex = join(webAgent, 'dist', 'index.html');
// Test files run in parallel workers: one builds, the others wait for it.
const buildLock = join(tmpdir(), 'sentral-web-agent-build.lock');

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.filter((entry) => entry !== 'node_modules' && entry !== 'dist').map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function isStale(): Promise<boolean> {
  const built = await stat(builtIndex).then((info) => info.mtimeMs, () => 0);
  if (!built) return true;
  const sources = await Promise.all([join(webAgent, 'src'), join(webAgent, 'index.html'), join(webAgent, 'vite.config.ts'), join(repoRoot, 'contract', 'src')].map(newestChange));
  return Math.max(...sources) > built;
}

/** Builds web-agent/dist with Vite when it is missing or older than its sources, so the hub serves the current desktop. */
export async function ensureWebAgentBuilt(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (!(await isStale())) return;
    try {
      await mkdir(buildLock);
    } catch {
      const lockAge = Date.now() - (await stat(buildLock).then((info) => info.mtimeMs, () => Date.now()));
      if (lockAge > 120_000) await rmdir(buildLock).catch(() => undefined);
      if (Date.now() > deadline) throw new Error('timed out waiting for another web-agent build');
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (await isStale()) await run('npm', ['run', 'build', '-w', '@sentral/web-agent'], { cwd: repoRoot, maxBuffer: 10_000_000 });
      return;
    } finally {
      await rmdir(buildLock).catch(() => undefined);
    }
  }
}

/** Debian's Chromium, driven by playwright-core (no browser download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export async function screenshotPath(name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}
