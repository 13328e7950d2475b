import {
  LIST_MERGE_FIELDS,
  listSchema,
  TASK_ENTRY_FIELDS,
  TASK_MERGE_FIELDS,
  taskSchema,
  type HybridLogicalClock,
  type Task,
  type TaskList,
} from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from './database.js';
import { newId } from './mutations.js';
import { markPending } from './pending.js';

/** A document to import: an optional id (kept, so a re-import finds it) and any stored fields. */
export type ImportDoc = { id?: string } & Record<string, unknown>;

export interface ImportRequest {
  tasks: readonly ImportDoc[];
  lists: readonly ImportDoc[];
}

export interface ImportOutcome {
  tasks: { imported: string[]; duplicates: string[] };
  lists: { imported: string[]; duplicates: string[] };
}

/** Documents written per IndexedDB transaction; the progress callback runs after each. */
export const IMPORT_CHUNK = 250;

interface JsonSchemaProperty {
  type?: string;
  enum?: readonly unknown[];
}

/** The empty value of every stored property (enums take their first value), so a new field gets a default. */
function blankFrom(properties: Record<string, JsonSchemaProperty>): Record<string, unknown> {
  const blank: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    if (property.enum) blank[key] = property.enum[0];
    else if (property.type === 'string') blank[key] = '';
    else if (property.type === 'number' || property.type === 'integer') blank[key] = 0;
    else if (property.type === 'boolean') blank[key] = false;
    else if (property.type === 'array') blank[key] = [];
    else if (property.type === 'object') blank[key] = {};
  }
  return blank;
}

const TASK_BLANK = blankFrom(taskSchema.properties as unknown as Record<string, JsonSchemaProperty>);
const LIST_BLANK = blankFrom(listSchema.properties as unknown as Record<string, JsonSchemaProperty>);

/**
 * One stored document from imported fields: only properties the schema knows are kept; every
 * mergeable field, every part of every map entry (subtasks) and the tombstone get one fresh clock
 * stamp, as a document created on this device would, so it syncs and merges like any other (R4).
 */
function toDocument(
  input: ImportDoc,
  blank: Record<string, unknown>,
  mergeFields: readonly string[],
  stampAt: string,
  now: number,
): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...blank };
  for (const [key, value] of Object.entries(input)) if (key in blank && value !== undefined) doc[key] = value;
  doc.id = typeof input.id === 'string' && input.id !== '' ? input.id : newId();
  const clocks: Record<string, string> = {};
  for (const field of [...mergeFields, 'deleted']) clocks[field] = stampAt;
  for (const [field, parts] of Object.entries(TASK_ENTRY_FIELDS)) {
    const entries = doc[field];
    if (!(field in blank) || typeof entries !== 'object' || entries === null) continue;
    for (const entryId of Object.keys(entries))
      for (const part of parts) clocks[`${field}.${entryId}.${part}`] = stampAt;
  }
  doc.clocks = clocks;
  doc.conflicts = [];
  doc.updatedAt = now;
  if (typeof doc.createdAt !== 'number' || doc.createdAt <= 0) doc.createdAt = now;
  return doc;
}

async function existingIds(
  collection: TaskmasterDatabase['tasks'] | TaskmasterDatabase['lists'],
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // Tombstones count: an id deleted here is not silently brought back by an import.
  const found = await collection.storageInstance.findDocumentsById(ids, true);
  return new Set(found.map((doc) => doc.id));
}

/**
 * Imports tasks and lists through the write path: documents whose id already exists here (live or
 * deleted) are skipped as duplicates, the rest are inserted in chunks of {@link IMPORT_CHUNK} (one
 * IndexedDB transaction each) and marked pending, so they sync when the device is online, like any
 * local write. Lists go first, so imported tasks never point at a list that is not there yet.
 */
export async function importDocuments(
  db: TaskmasterDatabase,
  clock: HybridLogicalClock,
  request: ImportRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { tasks: { imported: [], duplicates: [] }, lists: { imported: [], duplicates: [] } };
  const total = request.tasks.length + request.lists.length;
  let done = 0;
  const plan = [
    { name: 'lists' as const, docs: request.lists, blank: LIST_BLANK, fields: LIST_MERGE_FIELDS },
    { name: 'tasks' as const, docs: request.tasks, blank: TASK_BLANK, fields: TASK_MERGE_FIELDS },
  ];
  for (const { name, docs, blank, fields } of plan) {
    const collection = db[name];
    const known = await existingIds(
      collection,
      docs.map((doc) => doc.id).filter((id): id is string => typeof id === 'string' && id !== ''),
    );
    const seen = new Set<string>();
    const fresh: Record<string, unknown>[] = [];
    for (const input of docs) {
      const id = typeof input.id === 'string' ? input.id : '';
      if (id !== '' && (known.has(id) || seen.has(id))) {
        outcome[name].duplicates.push(id);
        continue;
      }
      const doc = toDocument(input, blank, fields, clock.now(), Date.now());
      seen.add(doc.id as string);
      fresh.push(doc);
    }
    done += docs.length - fresh.length;
    for (let start = 0; start < fresh.length; start += IMPORT_CHUNK) {
      const chunk = fresh.slice(start, start + IMPORT_CHUNK);
      const result =
        name === 'tasks'
          ? await db.tasks.bulkInsert(chunk as unknown as Task[])
          : await db.lists.bulkInsert(chunk as unknown as TaskList[]);
      if (result.error.length > 0) {
        throw new Error(`import: ${result.error.length} ${name} could not be stored (${result.error[0]?.status})`);
      }
      for (const doc of chunk) {
        markPending(db, name, doc.id as string, doc.updatedAt as number);
        outcome[name].imported.push(doc.id as string);
      }
      done += chunk.length;
      onProgress?.(done, total);
    }
  }
  onProgress?.(total, total);
  return outcome;
}
