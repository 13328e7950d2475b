import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTask } from '../../test/support/test-fixtures';
import { TaskAppHarness } from '../../test/support/test-harness';

const flush = () => act(async () => {});
const hasTask = (title: string) => screen.queryByRole('checkbox', { name: title }) !== null;

/** Selects the first task with J, once the lazily loaded key bindings answer (N, which is idempotent, tells). */
async function selectFirst() {
  await waitFor(
    () => {
      fireEvent.keyDown(document.body, { key: 'n' });
      expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'New task' }));
    },
    { timeout: 4_000 },
  );
  (document.activeElement as HTMLElement).blur();
  fireEvent.keyDown(document.body, { key: 'j' });
  expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: 'First' }));
}

describe('Backspace and Delete outside text fields', () => {
  beforeEach(() => {
    window.location.hash = '';
    window.localStorage.clear();
  });
  afterEach(cleanup);

  const tasks = () => [makeTask({ title: 'First', order: 1 }), makeTask({ title: 'Second', order: 2 })];

  it('Backspace asks before deleting the selected task, and deletes only on confirmation', async () => {
    render(<TaskAppHarness initial={tasks()} />);
    await selectFirst();
    fireEvent.keyDown(document.activeElement!, { key: 'Backspace' });
    const dialog = await screen.findByRole('dialog', { name: 'Delete task' });
    expect(dialog.textContent).toContain('Delete “First”?');
    expect(hasTask('First')).toBe(true);
    // While it asks, no other shortcut acts: Delete does not delete behind the question.
    fireEvent.keyDown(document.body, { key: 'Delete' });
    await flush();
    expect(hasTask('First')).toBe(true);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete task' }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(hasTask('First')).toBe(false);
    expect(screen.getByRole('button', { name: 'Undo' })).toBeTruthy();
  });

  it('Backspace then Cancel keeps the task; Delete still deletes at once', async () => {
    render(<TaskAppHarness initial={tasks()} />);
    await selectFirst();
    fireEvent.keyDown(document.activeElement!, { key: 'Backspace' });
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(hasTask('First')).toBe(true);

    fireEvent.keyDown(document.body, { key: 'Delete' });
    await flush();
    expect(hasTask('First')).toBe(false);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Backspace in a text field is just Backspace', async () => {
    render(<TaskAppHarness initial={tasks()} />);
    await selectFirst();
    const box = screen.getByRole('textbox', { name: 'New task' });
    box.focus();
    fireEvent.keyDown(box, { key: 'Backspace' });
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(hasTask('First')).toBe(true);
  });
});
