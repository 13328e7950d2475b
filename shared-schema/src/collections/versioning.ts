import { LIST_UPGRADES, listSchema } from './lists.js';
import { TASK_UPGRADES, taskSchema } from './tasks.js';
import type { DocData, SchemaUpgradeStep } from './upgrade-step.js';

export * from './upgrade-step.js';

type VersionedCollection = 'tasks' | 'lists';

/** Each collection's current schema version and the steps that lead to it from version 0. */
export const SCHEMA_HISTORY: Record<VersionedCollection, { version: number; upgrades: readonly SchemaUpgradeStep[] }> =
  {
    tasks: { version: taskSchema.version, upgrades: TASK_UPGRADES },
    lists: { version: listSchema.version, upgrades: LIST_UPGRADES },
  };

/**
 * How many schema versions behind the current one a device may be and still push (SPEC,
 * "Versions"): N, N-1 and N-2 are served. Tasks v1 (dueTime) and v2 (start date, repeat, subtasks,
 * reminders) ship in the same release, so the last deployed app is still at v0: a device offline
 * across that one deploy must lose nothing. Every step is additive, so v0 pushes upgrade twice.
 */
export const SCHEMA_VERSIONS_SUPPORTED_BEHIND = 2;

/** The oldest schema version of `collection` the server accepts pushes in. */
export function minSchemaVersion(collection: VersionedCollection): number {
  return Math.max(0, SCHEMA_HISTORY[collection].version - SCHEMA_VERSIONS_SUPPORTED_BEHIND);
}

/**
 * Runs a document of schema version `from` through every later step, up to the current version.
 * Returns the same object when no step changed it (the common case: already current).
 */
export function upgradeDoc<D extends object>(collection: VersionedCollection, doc: D, from = 0): D {
  let out = doc as unknown as DocData;
  for (const step of SCHEMA_HISTORY[collection].upgrades) if (step.to > from) out = step.up(out);
  return out as unknown as D;
}

/**
 * RxDB `migrationStrategies` for `collection`: strategy `n` is the step to version n. RxDB runs them
 * in order on every stored document when a device opens a newer app (rule: SPEC, "Versions").
 */
export function migrationStrategies(collection: VersionedCollection): Record<number, (doc: DocData) => DocData> {
  return Object.fromEntries(SCHEMA_HISTORY[collection].upgrades.map((step) => [step.to, step.up]));
}

/**
 * Problems with a schema history that would strand devices: a version without its step, steps out of
 * order, a step past the schema. Empty when the history is sound (checked by a unit test).
 */
export function schemaHistoryProblems(collection: VersionedCollection): string[] {
  const { version, upgrades } = SCHEMA_HISTORY[collection];
  const problems: string[] = [];
  upgrades.forEach((step, i) => {
    if (step.to !== i + 1) problems.push(`${collection}: step ${i} produces version ${step.to}, expected ${i + 1}`);
  });
  if (upgrades.length !== version)
    problems.push(`${collection}: schema version ${version} but ${upgrades.length} upgrade steps`);
  return problems;
}
