import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createTaskActions,
  createTaskmasterDatabase,
  getDeviceClock,
  type TaskmasterDatabase,
} from '@taskmaster/sync-client/db';
import { TaskApp } from './TaskApp';
import { useCollections } from './use-collections';

// The editor is a lazy chunk: its first load transforms its modules, seconds on a loaded machine.
const LAZY_CHUNK = { timeout: 10_000 };

let db: TaskmasterDatabase | undefined;
let counter = 0;

async function open() {
  counter += 1;
  db = await createTaskmasterDatabase({ name: `ui-test-${Date.now()}-${counter}`, storage: getRxStorageMemory() });
  const clock = await getDeviceClock(db);
  return { db, clock, actions: createTaskActions(db, clock) };
}

function Live({
  database,
  actions,
  node,
}: {
  database: TaskmasterDatabase;
  actions: ReturnType<typeof createTaskActions>;
  node: string;
}) {
  const data = useCollections(database);
  if (!data.ready) return null;
  return (
    <TaskApp
      tasks={data.tasks}
      lists={data.lists}
      actions={actions}
      sync={{ status: 'offline', pending: 0, lastSyncedAt: null }}
      deviceNode={node}
      email="me@example.com"
      onSignOut={() => undefined}
    />
  );
}

describe('task actions over a real RxDB database', () => {
  afterEach(async () => {
    cleanup();
    await db?.remove();
    db = undefined;
  });

  it('stamps a new clock only on the fields an edit changes', async () => {
    const { db, actions } = await open();
    const id = await actions.addTask({ title: 'Plan trip', tags: ['travel'] });
    const before = (await db.tasks.findOne(id).exec())!.toJSON();
    await actions.updateTask(id, { title: 'Plan the trip', tags: ['travel'] });
    const after = (await db.tasks.findOne(id).exec())!.toJSON();
    expect(after.title).toBe('Plan the trip');
    expect(after.clocks.title! > before.clocks.title!).toBe(true);
    expect(after.clocks.tags).toBe(before.clocks.tags);
    expect(after.clocks.notes).toBe(before.clocks.notes);
  });

  it('deletes as a tombstone and restores on undo', async () => {
    const { db, actions } = await open();
    const id = await actions.addTask({ title: 'Temporary' });
    const task = (await db.tasks.findOne(id).exec())!.toMutableJSON();
    await actions.deleteTask(id);
    expect(await db.tasks.findOne(id).exec()).toBeNull();
    await actions.restoreTask(task);
    expect((await db.tasks.findOne(id).exec())?.title).toBe('Temporary');
  });

  it('[R1] an action resolves only once the task and its pending-change entry are stored', async () => {
    const { db, actions } = await open();
    const id = await actions.addTask({ title: 'Durable' });
    expect(await db.tasks.storageInstance.findDocumentsById([id], false)).toHaveLength(1);
    // No 50 ms coalescing window left open: a reload now would still count the change as not synced.
    const pending = await db.getLocal<{ entries: Record<string, number> }>('sync-pending');
    expect(Object.keys(pending?.get('entries') as Record<string, number>)).toEqual([`tasks:${id}`]);
  });

  it('[R1] the editor says "Saved" only once the edit is in the database', async () => {
    const { db: database, clock, actions } = await open();
    const id = await actions.addTask({ title: 'Edit me' });
    render(<Live database={database} actions={actions} node={clock.node} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit me' }));
    const editor = await screen.findByRole('region', { name: 'Edit task' }, LAZY_CHUNK);
    fireEvent.change(within(editor).getByLabelText('Priority'), { target: { value: 'high' } });
    await within(editor).findByText('Saved');
    expect((await database.tasks.findOne(id).exec())?.priority).toBe('high');
  });

  it('[R4] Restore in the editor puts the value back and the notice then offers the replaced one', async () => {
    const { db: database, clock, actions } = await open();
    const id = await actions.addTask({ title: 'Buy almond milk' });
    const doc = (await database.tasks.findOne(id).exec())!;
    const lost = {
      field: 'title',
      lostValue: '"Buy oat milk"',
      lostClock: '0000000a0-0000-otherdevice',
      winnerClock: doc.clocks.title!,
    };
    await doc.incrementalModify((data) => ({ ...data, conflicts: [lost] })); // as a pull delivers it
    render(<Live database={database} actions={actions} node={clock.node} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Buy almond milk' }));
    const editor = await screen.findByRole('region', { name: 'Edit task' }, LAZY_CHUNK);
    fireEvent.click(within(editor).getByRole('button', { name: 'Restore title Buy oat milk' }));
    await within(editor).findByText('Restored title “Buy oat milk”. The value it replaced is kept below.');
    const notice = within(editor).getByRole('note', { name: 'Sync conflicts' });
    await vi.waitFor(() =>
      expect(notice.textContent).toContain('Title: now Buy oat milk; your value Buy almond milk was replaced.'),
    );
    expect(within(editor).getByRole('button', { name: 'Restore title Buy almond milk' })).toBeTruthy();
    const stored = (await database.tasks.findOne(id).exec())!;
    expect(stored.title).toBe('Buy oat milk');
    expect(stored.conflicts.map((c) => c.lostValue)).toEqual(['"Buy almond milk"']);
  });

  it('renders the list from the local database and updates reactively', async () => {
    const { db: database, clock, actions } = await open();
    await actions.addTask({ title: 'Existing task' });
    render(<Live database={database} actions={actions} node={clock.node} />);
    expect(await screen.findByRole('checkbox', { name: 'Existing task' })).toBeTruthy();
    const box = screen.getByRole('textbox', { name: 'New task' });
    fireEvent.input(box, { target: { value: 'Typed task' } });
    fireEvent.submit(box.closest('form')!);
    expect(await screen.findByRole('checkbox', { name: 'Typed task' })).toBeTruthy();
    // New tasks go on top of the manual order.
    const titles = screen.getAllByRole('checkbox').map((c) => c.getAttribute('aria-label'));
    expect(titles.slice(0, 2)).toEqual(['Typed task', 'Existing task']);
    await act(async () => {
      await actions.updateTask((await database.tasks.findOne({ selector: { title: 'Existing task' } }).exec())!.id, {
        status: 'done',
      });
    });
    await screen.findByRole('checkbox', { name: 'Existing task', checked: true });
  });
});
