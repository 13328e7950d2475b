import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';

// The docker-compose stack and the images cannot run here (no Docker engine). What can be checked
// without one is checked: the compose file by Debian's docker-compose 1.29 and by dclint, the
// invariants the scaled store relies on, the Dockerfiles by dockerfile-utils, and the GitHub
// workflow by action-validator. Any Docker host (and the workflow's `images` job) runs the real thing.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const bin = (name: string) => join(REPO, 'node_modules/.bin', name);
const DOCKER_COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
const composeText = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service>; [key: string]: unknown };
const services = Object.entries(compose.services);
const mongoMembers = services.filter(([, s]) => s.command?.includes('--replSet'));
const syncServers = services.filter(([name]) => name.startsWith('sync-server'));
const initScript = readFileSync(join(REPO, 'docker/mongo-init-replica-set.js'), 'utf8');

const tmp = mkdtempSync(join(tmpdir(), 'taskmaster-deploy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('docker-compose.yml, validated without a Docker engine', () => {
  it.skipIf(!DOCKER_COMPOSE)(
    `passes \`docker-compose config -q\` (Debian's 1.29)${DOCKER_COMPOSE ? '' : ' - skipped: docker-compose is not installed (.ci/run installs it)'}`,
    async () => {
      await expect(
        run(DOCKER_COMPOSE!, ['-f', 'docker-compose.yml', 'config', '-q'], {
          cwd: REPO,
          env: { PATH: process.env.PATH, JWT_SECRET: 'validation-only-0123456789abcdef0123456789' },
        }),
      ).resolves.toMatchObject({ stderr: '' });
    },
  );

  it('passes dclint with no errors and no warnings (the project-name rule is off: 1.29 rejects `name:`)', async () => {
    const result = await run(
      bin('dclint'),
      ['--disable-rule', 'require-project-name-field', '--max-warnings', '0', '--color', 'false', 'docker-compose.yml'],
      { cwd: REPO },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(result, result.stdout).not.toHaveProperty('failed');
  });

  it('avoids the keys docker-compose 1.29 rejects', () => {
    const doc = parseDocument(composeText);
    for (const key of ['name', 'include', 'develop']) expect(doc.has(key), key).toBe(false);
    for (const [name, service] of services) {
      expect(Object.keys(service.healthcheck ?? {}), name).not.toContain('start_interval');
      expect(Object.keys(service), name).not.toContain('develop');
    }
  });

  it('runs a 3-member replica set with no arbiter, initiated by a one-shot job', () => {
    expect(mongoMembers.map(([name]) => name)).toEqual(['mongo1', 'mongo2', 'mongo3']);
    for (const [, member] of mongoMembers) expect(member.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(`${composeText}\n${initScript}`).not.toMatch(/arbiterOnly|addArb|arbiter\s*:/i);
    expect(initScript.match(/host: 'mongo\d:27017'/g)).toHaveLength(3);
    expect(compose.services['mongo-init']?.command?.join(' ')).toContain('/init/replica-set.js');
  });

  it('gives every sync-server a MONGODB_URI with replicaSet (all three members) and a REDIS_URL', () => {
    expect(syncServers).toHaveLength(3);
    for (const [name, server] of syncServers) {
      const uri = server.environment?.MONGODB_URI ?? '';
      expect(uri, name).toMatch(/^mongodb:\/\/mongo1:27017,mongo2:27017,mongo3:27017\/\w+\?replicaSet=rs0$/);
      expect(server.environment?.REDIS_URL, name).toMatch(/^redis:\/\/redis:6379/);
      expect(server.depends_on?.['mongo-init']?.condition, name).toBe('service_completed_successfully');
    }
  });

  it('has a replicaSet in every MongoDB URI anywhere in the file', () => {
    const uris = composeText.match(/mongodb(\+srv)?:\/\/[^\s'"]+/g) ?? [];
    expect(uris.length).toBeGreaterThanOrEqual(1);
    for (const uri of uris) expect(uri).toMatch(/[?&]replicaSet=/);
  });

  it('has a healthcheck on every service', () => {
    for (const [name, service] of services) expect(service.healthcheck?.test, name).toBeDefined();
  });

  it('documents every variable it reads in .env.example', () => {
    const example = readFileSync(join(REPO, '.env.example'), 'utf8');
    const used = new Set([...composeText.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    for (const variable of used) expect(example, variable).toMatch(new RegExp(`^${variable}=`, 'm'));
  });
});

describe('Dockerfiles', () => {
  const dockerfiles = ['docker/Dockerfile.sync-server'];
  for (const file of dockerfiles) {
    const text = readFileSync(join(REPO, file), 'utf8');
    it(`${file}: dockerfile-utils finds nothing`, () => {
      expect(lintDockerfile(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    });
    it(`${file}: multi-stage, runs as a non-root user, has a HEALTHCHECK`, () => {
      expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
      const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      expect(users.at(-1)).toBeDefined();
      expect(['root', '0', '0:0']).not.toContain(users.at(-1));
      expect(text).toMatch(/^HEALTHCHECK /m);
      // The runtime stage takes only build output, never the sources.
      const runtime = text.slice(text.lastIndexOf('\nFROM '));
      expect(runtime).not.toMatch(/^COPY (?!--from)/m);
    });
  }
  it('every service built from a Dockerfile names one that is checked here', () => {
    for (const [name, service] of services) {
      const build = service.build as { dockerfile?: string } | undefined;
      if (build) expect(dockerfiles, name).toContain(build.dockerfile);
    }
  });
});

describe('.github/workflows/ci.yml', () => {
  const workflowPath = join(REPO, '.github/workflows/ci.yml');
  const workflow = readFileSync(workflowPath, 'utf8');

  it('passes action-validator (the workflow schema, offline)', async () => {
    await expect(run(bin('action-validator'), [workflowPath])).resolves.toBeDefined();
    // ...which does reject an unknown key, so the check above means something.
    const broken = join(tmp, 'broken.yml');
    writeFileSync(broken, workflow.replace('runs-on: ubuntu-24.04', 'runs-on: ubuntu-24.04\n    no-such-key: 1'));
    await expect(run(bin('action-validator'), [broken])).rejects.toMatchObject({ code: 1 });
  });

  it('runs the MongoDB contract suite and the cluster tests against a real mongo:7 replica set, and builds the images', () => {
    expect(workflow).toMatch(/mongo:7 mongod --replSet rs0/);
    expect(workflow).toMatch(/rs\.initiate/);
    expect(workflow).toMatch(/MONGODB_URI: mongodb:\/\/[^\n]*replicaSet=rs0/);
    expect(workflow).toMatch(/vitest run sync-server\/test\/store/);
    expect(workflow).toMatch(/vitest run sync-server\/test\/cluster/);
    expect(workflow).toMatch(/docker compose -f docker-compose.yml build/);
    for (const step of ['npm run lint', 'npm run typecheck', 'npm test']) expect(workflow).toContain(step);
  });
});
