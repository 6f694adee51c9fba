import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const MAIL_UID = 65534;

export interface Dovecot {
  host: string;
  port: number;
  /** Adds a mail user (password = `secret`) and returns its login. */
  addUser(name: string): Promise<{ user: string; password: string }>;
  /** Puts a raw message into a user's INBOX as a delivery would (IMAP APPEND). */
  deliver(user: string, raw: string | Buffer): Promise<void>;
  client(user: string): ImapFlow;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A real Dovecot IMAP server for one test file: its own generated configuration, directories and
 * private port, started without systemd and removed afterwards (Debian's `dovecot-imapd`).
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'sentral-dovecot-'));
  // Dovecot's auth process runs as its own user and must read the users file.
  await chmod(dir, 0o755);
  const port = await freePort();
  const users: string[] = [];
  const usersFile = join(dir, 'users');
  await mkdir(join(dir, 'mail'), { recursive: true });
  await chown(join(dir, 'mail'), MAIL_UID, MAIL_UID);
  await writeFile(usersFile, '', { mode: 0o644 });
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = sentral-${randomBytes(4).toString('hex')}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
mail_uid = ${MAIL_UID}
mail_gid = ${MAIL_UID}
first_valid_uid = ${MAIL_UID}
log_path = ${dir}/dovecot.log
default_internal_user = dovecot
default_login_user = dovenull
login_trusted_networks = 127.0.0.0/8
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${usersFile}
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
}
protocol imap {
  mail_max_userip_connections = 200
}
`;
  const configFile = join(dir, 'dovecot.conf');
  await writeFile(configFile, config);
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A test process that dies without its afterAll must not leave a Dovecot behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (process.off('exit', killOnExit), resolve())));
  try {
    await Promise.race([waitForPort(port, 10_000), exited.then(() => Promise.reject(new Error(`dovecot exited: ${stderr}`)))]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const client = (user: string) =>
    new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: 'secret' }, logger: false, emitLogs: false });

  return {
    host: '127.0.0.1',
    port,
    async addUser(name) {
      users.push(name);
      await writeFile(usersFile, users.map((user) => `${user}:{PLAIN}secret`).join('\n') + '\n');
      return { user: name, password: 'secret' };
    },
    async deliver(user, raw) {
      const imap = client(user);
      imap.on('error', () => undefined);
      await imap.connect();
      try {
        await imap.append('INBOX', raw);
      } finally {
        await imap.logout().catch(() => imap.close());
      }
    },
    client,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
