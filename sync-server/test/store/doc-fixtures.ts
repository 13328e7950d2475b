import {
  COLLECTIONS,
  encodeHlc,
  mergeDocs,
  TASK_MERGE_FIELDS,
  LIST_MERGE_FIELDS,
  type CollectionName,
  type PushRow,
  type SyncDoc,
} from '@taskmaster/shared-schema';
import type { MergeFn } from '../../src/store/document-store.js';

/** Documents for store tests: every field stamped with a fresh, strictly increasing clock. */
const T0 = Date.UTC(2025, 0, 1);
let clockCounter = 0;
/** A fresh, strictly increasing clock stamp for the test documents. */
export function tick(node = 'contract'): string {
  clockCounter += 1;
  return encodeHlc({ ms: T0 + clockCounter, counter: 0 }, node);
}

export function taskDoc(id: string, patch: Partial<SyncDoc<'tasks'>> = {}): SyncDoc<'tasks'> {
  const clock = tick();
  return {
    id,
    title: `Task ${id}`,
    notes: '',
    status: 'todo',
    priority: 'none',
    dueDate: '',
    tags: [],
    listId: '',
    order: 1,
    completedAt: 0,
    createdAt: T0,
    updatedAt: T0,
    clocks: Object.fromEntries([...TASK_MERGE_FIELDS, 'deleted'].map((f) => [f, clock])),
    conflicts: [],
    _deleted: false,
    ...patch,
  };
}

export function listDoc(id: string, patch: Partial<SyncDoc<'lists'>> = {}): SyncDoc<'lists'> {
  const clock = tick();
  return {
    id,
    name: `List ${id}`,
    color: '#112233',
    order: 1,
    archived: false,
    createdAt: T0,
    updatedAt: T0,
    clocks: Object.fromEntries([...LIST_MERGE_FIELDS, 'deleted'].map((f) => [f, clock])),
    conflicts: [],
    _deleted: false,
    ...patch,
  };
}

/** The edit a device makes: new values with a fresh clock on exactly those fields. */
export function edited(doc: SyncDoc<'tasks'>, patch: Partial<SyncDoc<'tasks'>>): SyncDoc<'tasks'> {
  const stamp = tick();
  const clocks = { ...doc.clocks };
  for (const key of Object.keys(patch)) clocks[(key === '_deleted' ? 'deleted' : key) as keyof typeof clocks] = stamp;
  return { ...doc, ...patch, clocks, updatedAt: doc.updatedAt + 1 };
}

/** The production merge (per-field LWW), as the sync service passes it. */
export function realMerge<C extends CollectionName>(collection: C): MergeFn<C> {
  const merge: MergeFn = (master, row) =>
    mergeDocs(master, row.assumedMasterState ?? undefined, row.newDocumentState, COLLECTIONS[collection].mergeFields);
  return merge as unknown as MergeFn<C>;
}

export const rows = <C extends CollectionName>(...docs: SyncDoc<C>[]): PushRow<C>[] =>
  docs.map((doc) => ({ newDocumentState: doc }));
