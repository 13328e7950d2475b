import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTask } from '../../test/support/test-fixtures';
import { TaskAppHarness } from '../../test/support/test-harness';

// The editor is a lazy chunk: its first load transforms its modules, seconds on a loaded machine.
const LAZY_CHUNK = { timeout: 10_000 };

// `input` events (not `change`) are what typing fires, and what both React and Preact listen to.
const flush = () => act(async () => {});

function addTask(title: string) {
  const box = screen.getByRole('textbox', { name: 'New task' });
  fireEvent.input(box, { target: { value: title } });
  fireEvent.submit(box.closest('form')!);
}

describe('TaskApp', () => {
  beforeEach(() => {
    window.location.hash = '';
    window.localStorage.clear();
  });
  afterEach(cleanup);

  it('shows a clear empty state, then adds a task from the "New task" box with Enter', async () => {
    render(<TaskAppHarness />);
    expect(screen.getByText('No tasks yet')).toBeTruthy();
    addTask('Buy milk #groceries !high');
    await flush();
    const item = screen.getByRole('listitem');
    expect(within(item).getByRole('checkbox', { name: 'Buy milk' })).toBeTruthy();
    expect(within(item).getByText('#groceries')).toBeTruthy();
    expect(within(item).getByText('High')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'New task' }) as HTMLInputElement).value).toBe('');
  });

  it('toggles done through the checkbox named after the task', async () => {
    render(<TaskAppHarness initial={[makeTask({ title: 'Water plants' })]} />);
    const box = screen.getByRole('checkbox', { name: 'Water plants' }) as HTMLInputElement;
    fireEvent.click(box);
    await flush();
    expect((screen.getByRole('checkbox', { name: 'Water plants' }) as HTMLInputElement).checked).toBe(true);
  });

  it('deletes with undo', async () => {
    render(<TaskAppHarness initial={[makeTask({ title: 'Old task' })]} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Old task' }));
    await flush();
    expect(screen.queryByRole('checkbox', { name: 'Old task' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await flush();
    expect(screen.getByRole('checkbox', { name: 'Old task' })).toBeTruthy();
  });

  it('filters by status and searches offline', async () => {
    render(
      <TaskAppHarness
        initial={[
          makeTask({ title: 'Open one', notes: 'blue' }),
          makeTask({ title: 'Finished', status: 'done', completedAt: 1 }),
        ]}
      />,
    );
    fireEvent.click(screen.getByRole('radio', { name: 'Active' }));
    expect(screen.queryByText('Finished')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: 'Completed' }));
    expect(screen.queryByText('Open one')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: 'All' }));
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search tasks' }), { target: { value: 'blue' } });
    await flush();
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByText('Open one')).toBeTruthy();
  });

  it('scopes by tag from the sidebar and tags new tasks in that view', async () => {
    render(<TaskAppHarness initial={[makeTask({ title: 'Tagged', tags: ['home'] }), makeTask({ title: 'Other' })]} />);
    fireEvent.click(screen.getByRole('link', { name: /#home/ }));
    expect(screen.queryByText('Other')).toBeNull();
    addTask('Fix the tap');
    await flush();
    const item = screen.getByRole('checkbox', { name: 'Fix the tap' }).closest('li')!;
    expect(within(item).getByText('#home')).toBeTruthy();
  });

  it('supports keyboard shortcuts: N focuses the new task box, J selects, X completes, # deletes', async () => {
    render(
      <TaskAppHarness initial={[makeTask({ title: 'First', order: 1 }), makeTask({ title: 'Second', order: 2 })]} />,
    );
    // The key bindings load as their own chunk once the list is up: wait until they answer.
    await waitFor(() => {
      fireEvent.keyDown(document.body, { key: 'n' });
      expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'New task' }));
    });
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'x' });
    await flush();
    expect((screen.getByRole('checkbox', { name: 'First' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.keyDown(document.body, { key: '#' });
    await flush();
    expect(screen.queryByRole('checkbox', { name: 'First' })).toBeNull();
  });

  it('opens the editor and writes one field at a time', async () => {
    render(<TaskAppHarness initial={[makeTask({ title: 'Draft' })]} />);
    fireEvent.click(screen.getByRole('button', { name: 'Draft' }));
    const editor = await screen.findByRole('region', { name: 'Edit task' }, LAZY_CHUNK);
    const title = within(editor).getByLabelText('Title');
    fireEvent.input(title, { target: { value: 'Final' } });
    fireEvent.blur(title);
    fireEvent.change(within(editor).getByLabelText('Priority'), { target: { value: 'urgent' } });
    // Each field is its own write: wait for both instead of assuming one tick is enough.
    await waitFor(() => {
      const row = screen.getByRole('checkbox', { name: 'Final' }).closest('li')!;
      expect(within(row).getByText('Urgent')).toBeTruthy();
    }, LAZY_CHUNK);
  });

  it('gives every control an accessible name', () => {
    render(<TaskAppHarness initial={[makeTask({ title: 'Named', tags: ['x'] })]} />);
    for (const role of ['button', 'checkbox', 'textbox', 'searchbox', 'combobox', 'radio', 'link'] as const) {
      for (const element of screen.queryAllByRole(role)) {
        const name = element.getAttribute('aria-label') ?? element.textContent ?? '';
        const labelled = element.id && document.querySelector(`label[for="${element.id}"]`);
        const wrapped = element.closest('label');
        expect(name.trim() !== '' || labelled || wrapped, `${role} without a name: ${element.outerHTML}`).toBeTruthy();
      }
    }
  });
});
