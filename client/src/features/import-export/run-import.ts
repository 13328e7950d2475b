import { enableLocalDocuments, getDeviceClock, importDocuments, type ImportOutcome } from '@taskmaster/sync-client/db';
import type { TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { planJsonImport } from './json';
import type { ImportPlan } from './plan';
import { planTodoistImport } from './todoist';

const localDayOf = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** Reads the file and maps it: a TaskMaster JSON export, or a Todoist CSV (its project becomes a list). */
export async function planFor(file: File): Promise<ImportPlan> {
  const text = await file.text();
  if (/\.json$/i.test(file.name) || text.trimStart().startsWith('{')) return planJsonImport(text);
  const listName = file.name
    .replace(/\.csv$/i, '')
    .replace(/[_-]+/g, ' ')
    .trim();
  return planTodoistImport(text, { today: localDayOf(new Date()), listName });
}

/** Writes the plan through the engine's import helper (duplicates by id are skipped there). */
export async function runImport(
  db: TaskmasterDatabase,
  plan: ImportPlan,
  onProgress: (done: number, total: number) => void,
): Promise<ImportOutcome> {
  await enableLocalDocuments(db);
  const clock = await getDeviceClock(db);
  return importDocuments(db, clock, plan, onProgress);
}
