import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, spawnHub, type HubProcess } from '../test/support/hub.ts';

const run = promisify(execFile);

/**
 * The hub as it was before the routing engine (the spine's serial matcher), checked out from git
 * into a temporary folder and run with this checkout's installed packages, so the end-to-end
 * figures of both are measured on the same machine in the same run.
 */
export async function spawnBaselineHub(env: Record<string, string>): Promise<HubProcess & { ref: string }> {
  const { root, ref } = await baselineTree();
  return Object.assign(await spawnHub(env, { root }), { ref });
}

/** The commit before the routing engine's first commit (the one that added its migration). */
async function baselineRef(): Promise<string> {
  const { stdout } = await run('git', ['log', '--diff-filter=A', '--format=%H', '--', 'prisma/migrations/*_routing_engine/migration.sql'], { cwd: repoRoot });
  const first = stdout.trim().split('\n').at(-1);
  if (!first) throw new Error('the routing engine migration is not in this history');
  return `${first}^`;
}

async function baselineTree(): Promise<{ root: string; ref: string }> {
  const ref = (await run('git', ['rev-parse', '--short', await baselineRef()], { cwd: repoRoot })).stdout.trim();
  const root = join(tmpdir(), `sentral-spine-${ref}`);
  if (existsSync(join(root, '.ready'))) return { root, ref };
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await run('sh', ['-c', `git archive ${ref} | tar -x -C ${JSON.stringify(root)}`], { cwd: repoRoot });
  // Third-party packages are shared with this checkout; the workspace packages are the baseline's own.
  const modules = join(root, 'node_modules');
  await mkdir(join(modules, '@sentral'), { recursive: true });
  for (const entry of await readdir(join(repoRoot, 'node_modules'))) {
    if (entry !== '@sentral') await symlink(join(repoRoot, 'node_modules', entry), join(modules, entry));
  }
  const { workspaces } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const pattern of workspaces) {
    const folders = pattern.endsWith('/*') ? (await readdir(join(root, pattern.slice(0, -2)))).map((name) => join(pattern.slice(0, -2), name)) : [pattern];
    for (const folder of folders) {
      const manifest = join(root, folder, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(await readFile(manifest, 'utf8')) as { name: string };
      if (name.startsWith('@sentral/')) await symlink(join(root, folder), join(modules, name));
    }
  }
  await run(join(repoRoot, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', join(root, 'prisma', 'schema.prisma')], {
    cwd: root,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' },
  });
  await run('touch', [join(root, '.ready')]);
  return { root, ref };
}
