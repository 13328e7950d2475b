import { taskSchema, type Task } from '@taskmaster/shared-schema';
import type { TaskmasterDatabase } from '@taskmaster/sync-client/db';
import type { MangoQuery, RxChangeEventBulk, RxDocumentData } from 'rxdb/plugins/core';
import {
  displayOrder,
  TaskTally,
  viewMatcher,
  viewQuery,
  type TaskQuery,
  type TaskSummary,
} from '../features/tasks/task-query';
import { ViewIndex, type TaskChange } from '../features/tasks/view-index';
import { changeCount, isTaskOrListChange } from './first-screen';

const plainByRevision = new WeakMap<object, object>();
const TASK_KEYS = Object.keys(taskSchema.properties);

/**
 * A stored document's fields (without RxDB's `_rev`, `_meta`, …) as a frozen object, made once per
 * stored revision: an unchanged task keeps its identity, so memoized rows skip re-rendering. Copying
 * the schema's keys gives every task the same object shape (fast property access). Nested values
 * (tags, clocks, conflicts) are shared with RxDB's copy, as `toJSON()` shares them, and are
 * deep-frozen in development builds by RxDB's dev-mode: nothing in the UI may mutate a task; the
 * top level is frozen here in every build so that a mutation fails the same way in production.
 */
export function plainData<T>(data: object, keys: readonly string[] = TASK_KEYS): T {
  let plain = plainByRevision.get(data);
  if (!plain) {
    const source = data as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const key of keys) if (source[key] !== undefined) copy[key] = source[key];
    plain = Object.freeze(copy);
    plainByRevision.set(data, plain);
  }
  return plain as T;
}

/** {@link plainData} of an RxDocument (its stored data, one object per revision). */
export function plainDocument<T>(doc: { readonly _data: object }, keys?: readonly string[]): T {
  return plainData<T>(doc._data, keys);
}

/** Every task: the store's one read of them all (RxDB caches it: start-up may run it first). */
export const ALL_TASKS_QUERY: MangoQuery<Task> = viewQuery({
  scope: { kind: 'all' },
  status: 'all',
  sort: 'manual',
  today: '',
});

type Listener = (changes: readonly TaskChange[]) => void;

/**
 * Every task of the local database in memory, kept current from the database's change bulks (this
 * tab's writes, other tabs' and the replication's alike: RxDB hands every tab every bulk), with the
 * change of each task. The list, its counts and the sidebar are derived from it per change
 * ({@link LiveView}, {@link LiveSummary}), not by re-running a query over all tasks: at 10,000
 * tasks, RxDB's query update alone maps every document of the result again on each change.
 */
export class TaskStore {
  readonly #byId = new Map<string, Task>();
  readonly #all: ViewIndex;
  readonly #listeners = new Set<Listener>();
  #version = 0;
  #seenAt = changeCount();
  #stop: () => void = () => undefined;

  private constructor(tasks: readonly Task[]) {
    for (const task of tasks) this.#byId.set(task.id, task);
    this.#all = new ViewIndex(() => true, displayOrder('manual'), tasks);
  }

  /**
   * Reads every task once ({@link ALL_TASKS_QUERY}, which start-up may already have run) and follows
   * the change bulks from before that read: a bulk that arrived during it is applied after it, and
   * applying a version the read already had changes nothing.
   */
  static async open(db: TaskmasterDatabase): Promise<TaskStore> {
    let early: RxChangeEventBulk<unknown>[] | null = [];
    let store: TaskStore | null = null;
    const subscription = db.eventBulks$.subscribe((bulk) => {
      if (!isTaskOrListChange(bulk)) return;
      if (early) early.push(bulk);
      else store!.#receive(bulk);
    });
    try {
      const docs = await db.tasks.find(ALL_TASKS_QUERY).exec();
      store = new TaskStore(docs.map((doc) => plainDocument<Task>(doc)));
    } catch (error) {
      subscription.unsubscribe();
      throw error;
    }
    for (const bulk of early) store.#receive(bulk);
    early = null;
    store.#seenAt = changeCount();
    store.#stop = () => subscription.unsubscribe();
    return store;
  }

  #receive(bulk: RxChangeEventBulk<unknown>): void {
    const changes: TaskChange[] = [];
    if (bulk.collectionName === 'tasks') {
      for (const event of bulk.events) {
        const data = event.documentData as RxDocumentData<Task>;
        const before = this.#byId.get(event.documentId);
        const after = data._deleted ? undefined : plainData<Task>(data);
        if (after) this.#byId.set(event.documentId, after);
        else this.#byId.delete(event.documentId);
        if (before || after) changes.push({ before, after });
      }
      this.#all.apply(changes);
    }
    // A change to a list changes no task, but the views now reflect one more change (first-screen.ts).
    this.#version += 1;
    this.#seenAt = changeCount();
    for (const listener of this.#listeners) listener(changes);
  }

  /** Every task, in the manual display order; a new array after each change to a task. */
  get all(): readonly Task[] {
    return this.#all.rows;
  }

  get(id: string): Task | undefined {
    return this.#byId.get(id);
  }

  /** Change bulks applied since the store opened. */
  get version(): number {
    return this.#version;
  }

  /** {@link changeCount} when the last bulk was applied: what the derived views reflect. */
  get seenAt(): number {
    return this.#seenAt;
  }

  /** Calls `listener` with each bulk's task changes (none for a change to lists); returns the unsubscribe. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  close(): void {
    this.#stop();
    this.#listeners.clear();
  }
}

/** Something derived from the store and kept current per change, in the shape `useSyncExternalStore` reads. */
abstract class Derived<T> {
  #snapshot: T | undefined;
  #builtAt = -1;

  protected constructor(protected readonly store: TaskStore) {}

  /** Computes the value from every task (at creation, and when changes were missed). */
  protected abstract build(): T;
  /** Updates the value for one bulk; returns the new snapshot, or the same one when nothing changed. */
  protected abstract update(changes: readonly TaskChange[], current: T): T;

  /** Built on first read (a render), so a subclass is fully constructed by then. */
  readonly snapshot = (): T => {
    if (this.#snapshot === undefined) this.#rebuild();
    return this.#snapshot!;
  };

  #rebuild(): void {
    this.#builtAt = this.store.version;
    this.#snapshot = this.build();
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    // Read during a render and subscribed after its commit: a bulk in between was not seen.
    if (this.#builtAt !== this.store.version) {
      this.#rebuild();
      onChange();
    }
    return this.store.subscribe((changes) => {
      this.#builtAt = this.store.version;
      const next = this.update(changes, this.#snapshot!);
      if (next !== this.#snapshot) {
        this.#snapshot = next;
        onChange();
      }
    });
  };
}

export interface ViewSnapshot {
  rows: readonly Task[];
  /** {@link changeCount} these rows reflect. */
  seenAt: number;
}

/** The tasks of one view in display order ({@link ViewIndex}), selected by {@link viewMatcher}. */
export class LiveView extends Derived<ViewSnapshot> {
  #index: ViewIndex | undefined;

  constructor(
    store: TaskStore,
    private readonly query: Pick<TaskQuery, 'scope' | 'status' | 'sort' | 'today'>,
  ) {
    super(store);
  }

  protected build(): ViewSnapshot {
    this.#index = new ViewIndex(viewMatcher(this.query), displayOrder(this.query.sort), this.store.all);
    return { rows: this.#index.rows, seenAt: this.store.seenAt };
  }

  protected update(changes: readonly TaskChange[], current: ViewSnapshot): ViewSnapshot {
    const changed = this.#index!.apply(changes);
    // Unchanged rows that now reflect one more change are a new snapshot too: the first screen is saved from it.
    if (!changed && current.seenAt === this.store.seenAt) return current;
    return { rows: this.#index!.rows, seenAt: this.store.seenAt };
  }
}

/** The sidebar's counts and tags, and the flags the shell needs ({@link TaskTally}), for `today`. */
export class LiveSummary extends Derived<TaskSummary> {
  #tally: TaskTally | undefined;

  constructor(
    store: TaskStore,
    private readonly today: string,
  ) {
    super(store);
  }

  protected build(): TaskSummary {
    this.#tally = new TaskTally(this.today);
    for (const task of this.store.all) this.#tally.add(task, 1);
    return this.#tally.summary();
  }

  protected update(changes: readonly TaskChange[]): TaskSummary {
    for (const { before, after } of changes) {
      if (before) this.#tally!.add(before, -1);
      if (after) this.#tally!.add(after, 1);
    }
    return this.#tally!.summary();
  }
}
