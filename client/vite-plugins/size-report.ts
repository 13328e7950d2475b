import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** What the bench reads: `client_critical_js_gzip_kb` comes from `criticalJsGzipKb`. */
export interface SizeReport {
  criticalJsGzipKb: number;
  criticalJsRawKb: number;
  criticalCssGzipKb: number;
  budgetKb: number;
  withinBudget: boolean;
  critical: ChunkSize[];
  deferred: ChunkSize[];
}

interface ChunkSize {
  file: string;
  rawKb: number;
  gzipKb: number;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

/**
 * Writes `dist/size-report.json` and prints the gzip size of the critical path: the entry chunk and
 * everything it imports statically (what the browser must run before the task list renders from
 * IndexedDB). Dynamically imported chunks (sync, socket.io, service-worker registration) are listed
 * as deferred.
 */
export function sizeReport(options: { budgetKb: number }): Plugin {
  let outDir = 'dist';
  return {
    name: 'taskmaster-size-report',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    generateBundle(_output, bundle) {
      const entry = Object.values(bundle).find((item) => item.type === 'chunk' && item.isEntry);
      if (!entry || entry.type !== 'chunk') return;
      const critical = new Set<string>();
      const visit = (file: string) => {
        const item = bundle[file];
        if (critical.has(file) || !item || item.type !== 'chunk') return;
        critical.add(file);
        item.imports.forEach(visit);
      };
      visit(entry.fileName);
      const sizeOf = (file: string): ChunkSize => {
        const item = bundle[file]!;
        const source = item.type === 'chunk' ? item.code : item.source;
        const buffer = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        return { file, rawKb: kb(buffer.length), gzipKb: kb(gzipSync(buffer, { level: 9 }).length) };
      };
      const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
      const criticalSizes = chunks.filter((c) => critical.has(c.fileName)).map((c) => sizeOf(c.fileName));
      const deferred = chunks.filter((c) => !critical.has(c.fileName)).map((c) => sizeOf(c.fileName));
      const cssFiles = [...(entry.viteMetadata?.importedCss ?? [])];
      const sum = (items: ChunkSize[], key: 'gzipKb' | 'rawKb') =>
        Math.round(items.reduce((total, item) => total + item[key], 0) * 100) / 100;
      const criticalJsGzipKb = sum(criticalSizes, 'gzipKb');
      const report: SizeReport = {
        criticalJsGzipKb,
        criticalJsRawKb: sum(criticalSizes, 'rawKb'),
        criticalCssGzipKb: sum(cssFiles.filter((f) => bundle[f]).map(sizeOf), 'gzipKb'),
        budgetKb: options.budgetKb,
        withinBudget: criticalJsGzipKb <= options.budgetKb,
        critical: criticalSizes.sort((a, b) => b.gzipKb - a.gzipKb),
        deferred: deferred.sort((a, b) => b.gzipKb - a.gzipKb),
      };
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'size-report.json'), `${JSON.stringify(report, null, 2)}\n`);
      const lines = [
        `\nsize report (gzip): critical JS ${criticalJsGzipKb} KB of ${options.budgetKb} KB budget` +
          (report.withinBudget ? '' : '  <-- OVER BUDGET'),
        ...report.critical.map((c) => `  critical  ${c.gzipKb.toFixed(2).padStart(8)} KB  ${c.file}`),
        ...report.deferred.map((c) => `  deferred  ${c.gzipKb.toFixed(2).padStart(8)} KB  ${c.file}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  };
}
