import type { Task, TaskList } from '@taskmaster/shared-schema';
import type { ImportOutcome, TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { useEffect, useId, useState, type ChangeEvent } from 'react';
import type { ImportPlan, Skipped } from './plan';
import './import-export.css';

export interface ImportExportProps {
  /** The local database the import writes to (offline too; the documents sync afterwards). */
  db: TaskmasterDatabase | null | undefined;
  tasks: readonly Task[];
  lists: readonly TaskList[];
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'importing'; file: string; done: number; total: number }
  | { kind: 'done'; file: string; plan: ImportPlan; outcome: ImportOutcome }
  | { kind: 'failed'; file: string; message: string };

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const localDayOf = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
const MAX_LISTED = 50;

/**
 * Settings' "Import and export": every task and list out as JSON (the versioned format) or CSV, and
 * back in from a JSON export or a Todoist CSV, with a progress bar and a summary of what was
 * imported and what was skipped, and why. Everything happens on this device, offline too.
 */
export function ImportExport({ db, tasks, lists }: ImportExportProps) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  const formatId = useId();
  const busy = phase.kind === 'importing';
  useEffect(() => {
    // Warm the parsers' chunk while the user picks a file (and so that it is there offline).
    void import('./run-import').catch(() => undefined);
  }, []);

  const exportNow = async () => {
    const { exportCsv, exportJson } = await import('./json');
    const stamp = localDayOf(new Date());
    if (format === 'json') download(`taskmaster-${stamp}.json`, 'application/json', exportJson(tasks, lists));
    else download(`taskmaster-${stamp}.csv`, 'text/csv', exportCsv(tasks, lists));
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !db) return;
    setPhase({ kind: 'importing', file: file.name, done: 0, total: 0 });
    try {
      // The parsers and the write helper load on first use, in their own chunk.
      const { planFor, runImport } = await import('./run-import');
      const plan = await planFor(file);
      setPhase({ kind: 'importing', file: file.name, done: 0, total: plan.tasks.length + plan.lists.length });
      const outcome = await runImport(db, plan, (done, total) =>
        setPhase({ kind: 'importing', file: file.name, done, total }),
      );
      setPhase({ kind: 'done', file: file.name, plan, outcome });
    } catch (error) {
      setPhase({ kind: 'failed', file: file.name, message: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section className="settings-section" aria-label="Import and export">
      <h3>Import and export</h3>
      <div className="import-export__row">
        <label htmlFor={formatId}>Format</label>
        <select id={formatId} value={format} onChange={(e) => setFormat(e.target.value as 'json' | 'csv')}>
          <option value="json">JSON (everything, re-importable)</option>
          <option value="csv">CSV (tasks, for spreadsheets)</option>
        </select>
        <button type="button" className="button" onClick={() => void exportNow()}>
          Export
        </button>
      </div>
      <div className="import-export__row">
        <label className={`button file-button${busy || !db ? ' file-button--disabled' : ''}`}>
          Import
          <input
            type="file"
            accept=".json,.csv,application/json,text/csv"
            disabled={busy || !db}
            onChange={(e) => void importFile(e)}
          />
        </label>
        <span className="muted">A TaskMaster JSON export, or a Todoist CSV export</span>
      </div>
      {phase.kind === 'importing' && (
        <div className="import-export__progress">
          <progress
            max={phase.total || 1}
            value={phase.done}
            aria-label="Import progress"
            aria-valuetext={`${phase.done} of ${phase.total}`}
          />
          <span role="status">
            {phase.total === 0
              ? `Reading ${phase.file}…`
              : `Importing ${phase.done.toLocaleString()} of ${phase.total.toLocaleString()}…`}
          </span>
        </div>
      )}
      {phase.kind === 'failed' && (
        <p role="alert" className="import-export__error">
          Could not import {phase.file}: {phase.message}
        </p>
      )}
      {phase.kind === 'done' && <ImportSummary {...phase} />}
    </section>
  );
}

function ImportSummary({ file, plan, outcome }: { file: string; plan: ImportPlan; outcome: ImportOutcome }) {
  const duplicates: Skipped[] = [
    ...outcome.lists.duplicates.map((id) => ({ what: `List ${id}`, reason: 'already here (same id)' })),
    ...outcome.tasks.duplicates.map((id) => ({
      what: `Task “${String(plan.tasks.find((t) => t.id === id)?.title ?? id)}”`,
      reason: 'already here (same id)',
    })),
  ];
  const skipped = [...plan.skipped, ...duplicates];
  return (
    <div className="import-export__summary" role="status" aria-label="Import summary">
      <p>
        <strong>
          Imported {plural(outcome.tasks.imported.length, 'task')} and {plural(outcome.lists.imported.length, 'list')}
        </strong>{' '}
        from {file}
        {skipped.length > 0 ? `; skipped ${plural(skipped.length, 'item')}.` : '.'} They sync when you are online.
      </p>
      {plan.notes.length > 0 && (
        <ul>
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <details open={skipped.length <= 10}>
          <summary>Skipped ({skipped.length})</summary>
          <ul aria-label="Skipped">
            {skipped.slice(0, MAX_LISTED).map((item, index) => (
              <li key={index}>
                {item.row !== undefined ? `Row ${item.row}: ` : ''}
                {item.what} — {item.reason}
              </li>
            ))}
            {skipped.length > MAX_LISTED && <li>…and {skipped.length - MAX_LISTED} more</li>}
          </ul>
        </details>
      )}
    </div>
  );
}
