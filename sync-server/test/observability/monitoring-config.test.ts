import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findBinary } from '../cluster/helpers/processes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { request } from '../security/helpers.js';

const REPO = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');
const promtool = findBinary('promtool');
if (!promtool) console.warn('\n[SKIP] promtool checks: apt-get install -y prometheus (Debian) provides promtool\n');

interface Rule {
  alert: string;
  expr: string;
}

describe('monitoring config in docker/ (Prometheus, alert rules, Grafana)', () => {
  const rules = (parse(read('docker/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
  const dashboard = JSON.parse(read('docker/grafana/dashboards/taskmaster.json')) as {
    panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
  };

  it('has the alerts an operator needs: error rate, p99 push latency, Redis down, no replica-set primary, any repair', () => {
    const byName = new Map(rules.map((r) => [r.alert, r.expr]));
    expect(byName.get('TaskmasterHighErrorRate')).toContain('taskmaster_http_requests_total');
    expect(byName.get('TaskmasterPushLatencyP99High')).toContain('histogram_quantile(0.99');
    expect(byName.get('TaskmasterRedisDown')).toContain('redis_up');
    expect(byName.get('TaskmasterMongoPrimaryMissing')).toContain('mongodb_rs_members_state');
    expect(byName.get('TaskmasterRepair')).toContain('taskmaster_repairs_total');
  });

  it('the dashboard reads the provisioned Prometheus data source', () => {
    const source = parse(read('docker/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(source.datasources[0]!.url).toBe('http://prometheus:9090');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(dashboard.panels.map((p) => p.datasource.uid))).toEqual(new Set([source.datasources[0]!.uid]));
  });

  it.skipIf(!promtool)('promtool accepts the rules and the Prometheus config', () => {
    expect(execFileSync(promtool!, ['check', 'rules', join(REPO, 'docker/alerts.yml')]).toString()).toContain(
      'SUCCESS',
    );
    const dir = mkdtempSync(join(tmpdir(), 'taskmaster-prom-'));
    try {
      writeFileSync(join(dir, 'alerts.yml'), read('docker/alerts.yml'));
      writeFileSync(
        join(dir, 'prometheus.yml'),
        read('docker/prometheus.yml').replace('/etc/prometheus/alerts.yml', join(dir, 'alerts.yml')),
      );
      expect(execFileSync(promtool!, ['check', 'config', join(dir, 'prometheus.yml')]).toString()).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('every TaskMaster metric the rules and the dashboard use is one the server exports', () => {
    let server: TestServer;
    let exported: Set<string>;
    beforeAll(async () => {
      server = await startTestServer();
      const listener = createHttpServer(server.server.metricsListener);
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const text = String(
        (await request(`http://127.0.0.1:${(listener.address() as AddressInfo).port}`, 'GET', '/metrics')).body,
      );
      await new Promise((resolve) => listener.close(resolve));
      exported = new Set(
        [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap((m) => [
          m[1]!,
          `${m[1]}_bucket`,
          `${m[1]}_sum`,
          `${m[1]}_count`,
        ]),
      );
    });
    afterAll(async () => {
      await server.dispose();
    });

    it('names no metric that does not exist', () => {
      const used = [
        ...rules.map((r) => r.expr),
        ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ].flatMap((expr) => [...expr.matchAll(/\b((?:taskmaster|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!));
      expect(used.length).toBeGreaterThan(15);
      expect([...new Set(used)].filter((name) => !exported.has(name))).toEqual([]);
    });
  });
});
