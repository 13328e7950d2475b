/**
 * Schema migrations in the up/down pattern, shared by the SQLite and MongoDB stores. Each store keeps
 * a ledger (a table or a collection) of the migrations applied to it, so running `up` again does
 * nothing, and `down` reverts the last applied one.
 */
export interface Migration<Ctx> {
  /** Sortable and unique within its store, e.g. `001_documents`. */
  id: string;
  description: string;
  up(ctx: Ctx): Promise<void>;
  down(ctx: Ctx): Promise<void>;
}

export interface AppliedMigration {
  id: string;
  appliedAt: number;
}

/** Where a store records its applied migrations. */
export interface MigrationLedger {
  applied(): Promise<AppliedMigration[]>;
  record(id: string, appliedAt: number): Promise<void>;
  forget(id: string): Promise<void>;
}

export interface MigrationStatus {
  id: string;
  description: string;
  appliedAt: number | null;
}

/** Runs one step (the migration and its ledger entry) atomically where the store can. */
export type StepRunner = (step: () => Promise<void>) => Promise<void>;

const direct: StepRunner = (step) => step();

/** Applies every pending migration in id order; returns the ids applied now. */
export async function migrateUp<Ctx>(
  migrations: readonly Migration<Ctx>[],
  ledger: MigrationLedger,
  ctx: Ctx,
  options: { now?: () => number; atomically?: StepRunner } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now;
  const atomically = options.atomically ?? direct;
  const done: string[] = [];
  for (const migration of sorted(migrations)) {
    let ran = false;
    await atomically(async () => {
      // Re-read inside the step: another process may have applied it meanwhile.
      if ((await ledger.applied()).some((m) => m.id === migration.id)) return;
      await migration.up(ctx);
      await ledger.record(migration.id, now());
      ran = true;
    });
    if (ran) done.push(migration.id);
  }
  return done;
}

/** Reverts the last `steps` applied migrations, newest first; returns the ids reverted. */
export async function migrateDown<Ctx>(
  migrations: readonly Migration<Ctx>[],
  ledger: MigrationLedger,
  ctx: Ctx,
  options: { steps?: number; atomically?: StepRunner } = {},
): Promise<string[]> {
  const atomically = options.atomically ?? direct;
  const byId = new Map(migrations.map((m) => [m.id, m]));
  const applied = (await ledger.applied()).map((m) => m.id).sort();
  const reverted: string[] = [];
  for (const id of applied.reverse().slice(0, options.steps ?? 1)) {
    const migration = byId.get(id);
    if (!migration) throw new Error(`migration ${id} is recorded but unknown to this build; cannot revert it`);
    await atomically(async () => {
      await migration.down(ctx);
      await ledger.forget(id);
    });
    reverted.push(id);
  }
  return reverted;
}

export async function migrationStatus<Ctx>(
  migrations: readonly Migration<Ctx>[],
  ledger: MigrationLedger,
): Promise<MigrationStatus[]> {
  const applied = new Map((await ledger.applied()).map((m) => [m.id, m.appliedAt]));
  return sorted(migrations).map((m) => ({
    id: m.id,
    description: m.description,
    appliedAt: applied.get(m.id) ?? null,
  }));
}

function sorted<Ctx>(migrations: readonly Migration<Ctx>[]): Migration<Ctx>[] {
  const list = [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.id === list[i - 1]!.id) throw new Error(`duplicate migration id ${list[i]!.id}`);
  }
  return list;
}

/** What a store exposes for `npm run migrate` and for tests (up → down → up). */
export interface Migratable {
  migrateUp(): Promise<string[]>;
  migrateDown(steps?: number): Promise<string[]>;
  migrationStatus(): Promise<MigrationStatus[]>;
}
