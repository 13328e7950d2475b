import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../src/admin/admin-cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, login, register, request } from '../security/helpers.js';

const REPO = join(import.meta.dirname, '../../..');
const CLI = join(REPO, 'sync-server/dist/admin/cli.js');
const built = existsSync(CLI);
if (!built) console.warn('\n[SKIP] the compiled admin CLI test needs `npx tsc -b sync-server` first\n');

function runCli(args: string[], env: Record<string, string>, stdin: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('[S7] admin CLI: the only way to an admin', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('create-admin makes an admin who can use the admin API; grant and revoke change the role at once', async () => {
    server = await startTestServer();
    const line = await runAdminCommand(server.accounts, ['create-admin', 'Root@Example.test'], async () => PASSWORD);
    expect(line).toMatch(/^created admin root@example\.test/);
    const root = await login(server.url, { email: 'root@example.test', password: PASSWORD });
    expect(root.user.role).toBe('admin');
    expect((await request(server.url, 'GET', '/api/admin/v1/stats', { token: root.accessToken })).status).toBe(200);

    const ops = await register(server.url, 'ops@example.test');
    await runAdminCommand(server.accounts, ['grant', 'ops@example.test'], async () => '');
    const opsAdmin = await login(server.url, ops);
    expect((await request(server.url, 'GET', '/api/admin/v1/users', { token: opsAdmin.accessToken })).status).toBe(200);
    await runAdminCommand(server.accounts, ['revoke', 'ops@example.test'], async () => '');
    expect((await request(server.url, 'GET', '/api/admin/v1/users', { token: opsAdmin.accessToken })).status).toBe(403);

    const audit = await server.accounts.listAudit({ limit: 10 });
    expect(audit.items.map((e) => [e.actorId, e.action])).toEqual([
      ['cli', 'role.revoke'],
      ['cli', 'role.grant'],
      ['cli', 'user.create-admin'],
    ]);
  });

  it('refuses a weak password, an existing email, an unknown account and bad usage', async () => {
    server = await startTestServer();
    await expect(
      runAdminCommand(server.accounts, ['create-admin', 'a@example.test'], async () => 'password'),
    ).rejects.toMatchObject({
      reason: 'weak-password',
    });
    await register(server.url, 'taken@example.test');
    await expect(
      runAdminCommand(server.accounts, ['create-admin', 'taken@example.test'], async () => PASSWORD),
    ).rejects.toMatchObject({
      reason: 'email-taken',
    });
    await expect(
      runAdminCommand(server.accounts, ['grant', 'nobody@example.test'], async () => ''),
    ).rejects.toMatchObject({
      reason: 'not-found',
    });
    await expect(runAdminCommand(server.accounts, ['promote', 'a@example.test'], async () => '')).rejects.toThrow(
      /unknown command/,
    );
    await expect(runAdminCommand(server.accounts, [], async () => '')).rejects.toThrow(/Usage/);
  });

  it.skipIf(!built)('`npm run admin -- create-admin <email>` reads the password from stdin', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskmaster-cli-'));
    try {
      const env = { NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      const created = await runCli(['create-admin', 'first@example.test'], env, `${PASSWORD}\n`);
      expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created admin first@example\.test/) });
      expect(await runCli(['grant', 'nobody@example.test'], env, '')).toMatchObject({ code: 1 });
      expect(await runCli(['frobnicate'], env, '')).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('Usage'),
      });
      server = await startTestServer({ dataDir });
      const first = await login(server.url, { email: 'first@example.test', password: PASSWORD });
      expect(first.user.role).toBe('admin');
    } finally {
      await server?.dispose();
      server = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
