import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinary, freePort, spawnChild, type Child } from './processes.js';

/** The production config; tests render this same file, so what is tested is what ships. */
export const NGINX_CONF = fileURLToPath(new URL('../../../../docker/nginx.conf', import.meta.url));

export interface RenderOptions {
  /** `host:port` of each sync-server. */
  upstreams: string[];
  listen: string;
  /** Directory for temp files and logs (nginx runs unprivileged paths only). */
  dir: string;
  /** Override `fail_timeout` (the test restarts instances quickly). */
  failTimeout?: string;
}

/**
 * Renders `docker/nginx.conf` for loopback: swaps the upstream servers between the @upstream
 * markers and the @listen line, points logs and temp files into `dir`, and changes nothing else.
 */
export function renderNginxConfig(template: string, options: RenderOptions): string {
  const begin = template.indexOf('# @upstream-begin');
  const end = template.indexOf('# @upstream-end');
  if (begin < 0 || end < 0) throw new Error('docker/nginx.conf lost its @upstream markers');
  const servers = options.upstreams
    .map((address) => `server ${address} max_fails=1 fail_timeout=${options.failTimeout ?? '5s'};`)
    .join('\n    ');
  let conf = `${template.slice(0, begin)}${servers}\n    ${template.slice(end)}`;
  const listenLine = /^\s*listen .*# @listen$/m;
  if (!listenLine.test(conf)) throw new Error('docker/nginx.conf lost its @listen marker');
  conf = conf.replace(listenLine, `    listen ${options.listen};`);
  conf = conf.replace('access_log /dev/stdout;', `access_log ${join(options.dir, 'access.log')};`);
  conf = conf.replace(/^worker_processes .*;$/m, 'worker_processes 1;');
  conf = conf.replace(
    /^http \{$/m,
    [
      'http {',
      `  client_body_temp_path ${join(options.dir, 'body')};`,
      `  proxy_temp_path ${join(options.dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(options.dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(options.dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(options.dir, 'scgi')};`,
    ].join('\n'),
  );
  return conf;
}

export interface TestNginx {
  url: string;
  port: number;
  confFile: string;
  child: Child;
  /** Rewrites the upstream list and reloads (SIGHUP to our master process). */
  setUpstreams(upstreams: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Our own nginx (`daemon off`, own prefix, pid and error log in `dir`) on a free 127.0.0.1 port. */
export async function startNginx(dir: string, upstreams: string[]): Promise<TestNginx> {
  const binary = findBinary('nginx');
  if (!binary) throw new Error('nginx is not installed');
  mkdirSync(dir, { recursive: true });
  const template = readFileSync(NGINX_CONF, 'utf8');
  const port = await freePort();
  const confFile = join(dir, 'nginx.conf');
  const write = (list: string[]) =>
    writeFileSync(
      confFile,
      renderNginxConfig(template, { upstreams: list, listen: `127.0.0.1:${port}`, dir, failTimeout: '2s' }),
    );
  write(upstreams);
  const globals = `daemon off; master_process on; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;`;
  const test = spawnChild(binary, ['-t', '-p', dir, '-c', confFile, '-g', globals]);
  const tested = await test.exited;
  if (tested.code !== 0) throw new Error(`nginx -t failed:\n${test.output.join('\n')}`);
  const child = spawnChild(binary, ['-p', dir, '-c', confFile, '-g', globals]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!child.isRunning())
      throw new Error(`nginx exited:\n${child.output.join('\n')}\n${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('nginx did not start within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  return {
    url,
    port,
    confFile,
    child,
    async setUpstreams(list) {
      write(list);
      process.kill(child.pid, 'SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    async stop() {
      await child.stop('SIGTERM', 5000);
    },
  };
}
