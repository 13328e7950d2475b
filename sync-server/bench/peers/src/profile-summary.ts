/**
 * Summarises V8 `.cpuprofile` files (from `--cpu-prof`) of the TaskMaster server: self time by
 * where the code lives (our packages, socket.io, better-sqlite3, zod, ajv, prom-client, pino, GC,
 * idle) and inclusive time of the functions on the push path. Diagnostic, not a figure.
 *
 *   node --import tsx sync-server/bench/peers/src/profile-summary.ts <file.cpuprofile|dir> [name@file ...]
 *
 * A function is named `name@file` (file: a fragment of its URL, e.g. `push@sync-service`).
 * `PROFILE_SKIP_MS` (default 2000) leaves out the first milliseconds (start-up, module loading).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives, by its URL (first match wins). */
const BUCKETS: [string, RegExp][] = [
  ['better-sqlite3', /better-sqlite3/],
  [
    'socket.io/engine.io/ws',
    /node_modules\/(socket\.io|socket\.io-parser|socket\.io-adapter|engine\.io|engine\.io-parser|ws)\//,
  ],
  ['zod', /node_modules\/zod\//],
  ['ajv', /node_modules\/ajv\//],
  ['prom-client', /node_modules\/prom-client\//],
  ['pino', /node_modules\/(pino|pino-http|sonic-boom|thread-stream)\//],
  ['rate-limiter-flexible', /node_modules\/rate-limiter-flexible\//],
  ['jose (JWT)', /node_modules\/jose\//],
  ['express', /node_modules\/(express|router|body-parser|helmet)\//],
  ['shared-schema', /shared-schema\/dist\//],
  ['sync-server: replication', /sync-server\/dist\/replication\//],
  ['sync-server: store', /sync-server\/dist\/store\//],
  ['sync-server: other', /sync-server\/dist\//],
  ['other node_modules', /node_modules\//],
  ['node internals', /^node:/],
];

function bucketOf(frame: CallFrame): string {
  if (frame.url === '') {
    if (frame.functionName === '(garbage collector)') return 'GC';
    if (frame.functionName === '(idle)') return 'idle';
    if (frame.functionName === '(program)') return '(program)';
    return 'native/builtin';
  }
  return BUCKETS.find(([, pattern]) => pattern.test(frame.url))?.[0] ?? 'other';
}

function load(path: string): Profile[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(path, f))
    : [path];
  return files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Profile);
}

const SKIP_MS = Number(process.env.PROFILE_SKIP_MS ?? 2000);
/**
 * `PROFILE_AFTER=name@file`: the window starts `PROFILE_AFTER_MS` (default 1000) after the first
 * sample inside that function instead (e.g. `push@sync-service`: past sign-in and the first push's
 * one-time schema compiles), so a workload's steady state is what is summarised.
 */
const AFTER = process.env.PROFILE_AFTER;
const AFTER_MS = Number(process.env.PROFILE_AFTER_MS ?? 1000);
const TOP = Number(process.env.PROFILE_TOP ?? 25);

const matches = (frame: CallFrame, spec: string) => {
  const [name, file] = spec.split('@') as [string, string | undefined];
  return frame.functionName === name && (!file || frame.url.includes(file));
};
const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(sync-server|shared-schema)\//, '$1/');

function summarise(profile: Profile, functions: string[]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let clock = 0;
  let start = SKIP_MS;
  if (AFTER) {
    let at = 0;
    const first = profile.samples.findIndex((id, i) => {
      at += (profile.timeDeltas[i] ?? 0) / 1000;
      for (let node = byId.get(id); node; node = byId.get(parent.get(node.id) ?? -1))
        if (matches(node.callFrame, AFTER)) return true;
      return false;
    });
    start = first < 0 ? Infinity : at + AFTER_MS;
  }
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // µs -> ms
    clock += dt;
    if (clock < start) return;
    total += dt;
    const leaf = byId.get(id)!;
    // A builtin leaf (JSON.parse, a native binding) is charged to the nearest frame with a URL.
    let owner: ProfileNode | undefined = leaf;
    while (owner && owner.callFrame.url === '' && !/^\(/.test(owner.callFrame.functionName)) {
      const up = parent.get(owner.id);
      owner = up === undefined ? undefined : byId.get(up);
    }
    const bucket = bucketOf((owner ?? leaf).callFrame);
    self.set(bucket, (self.get(bucket) ?? 0) + dt);
    const f = leaf.callFrame;
    const fn = `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
    const seen = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node;) {
      for (const spec of functions) {
        if (!seen.has(spec) && matches(node.callFrame, spec)) {
          seen.add(spec);
          inclusive.set(spec, (inclusive.get(spec) ?? 0) + dt);
        }
      }
      const up = parent.get(node.id);
      node = up === undefined ? undefined : byId.get(up);
    }
  });
  return { total, self, selfByFunction, inclusive };
}

const DEFAULT_FUNCTIONS = [
  'push@sync-service',
  'validate@validation/validate',
  'validateRows@sync-service',
  'check@doc-validator',
  'applyPush@sqlite-store',
  'mergeDocs@merge',
  'jsonEqual@equal',
  'publish@fanout',
  'consume@rate-limiter-flexible',
  'observe@prom-client',
  'inc@prom-client',
  'onevent@socket.io/dist/socket',
  'ack@socket.io/dist/socket',
  'onmessage@socket.io/dist/client',
  'ondata@socket.io/dist/client',
  'onPacket@engine.io/build/socket',
  'emit@socket.io/dist/broadcast-operator',
];

function main(): void {
  const [path, ...names] = process.argv.slice(2);
  if (!path) throw new Error('usage: profile-summary <file.cpuprofile|dir> [function ...]');
  const functions = names.length > 0 ? names : DEFAULT_FUNCTIONS;
  for (const profile of load(path)) {
    const { total, self, selfByFunction, inclusive } = summarise(profile, functions);
    const busy = total - (self.get('idle') ?? 0);
    process.stdout.write(`profile: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(2)} s busy\n`);
    process.stdout.write('self time by where the code lives (% of busy):\n');
    for (const [bucket, ms] of [...self.entries()].sort((a, b) => b[1] - a[1])) {
      if (bucket === 'idle') continue;
      process.stdout.write(
        `  ${bucket.padEnd(28)} ${ms.toFixed(1).padStart(9)} ms  ${((100 * ms) / busy).toFixed(1)}%\n`,
      );
    }
    process.stdout.write(`top ${TOP} functions by self time:\n`);
    for (const [fn, ms] of [...selfByFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP + 1)) {
      if (fn.startsWith('(idle)')) continue;
      process.stdout.write(
        `  ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / busy).toFixed(1).padStart(4)}%  ${fn}\n`,
      );
    }
    process.stdout.write('inclusive time of functions (% of busy):\n');
    for (const name of functions) {
      const ms = inclusive.get(name) ?? 0;
      process.stdout.write(
        `  ${name.padEnd(28)} ${ms.toFixed(1).padStart(9)} ms  ${((100 * ms) / busy).toFixed(1)}%\n`,
      );
    }
  }
}

main();
