import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTask } from '../../../test/support/test-fixtures';
import type { TaskPatch } from '@taskmaster/sync-client/db';
import { TaskEditor } from './TaskEditor';

function renderEditor(task = makeTask({ title: 'Bins', dueDate: '2026-12-07' })) {
  const onChange = vi.fn(async (_patch: TaskPatch) => true);
  const subtasks = { onAddSubtask: vi.fn(), onUpdateSubtask: vi.fn(), onRemoveSubtask: vi.fn() };
  const onSkipOccurrence = vi.fn();
  render(
    <TaskEditor
      task={task}
      lists={[]}
      today="2026-12-01"
      deviceNode="devicea"
      onChange={onChange}
      onDelete={() => undefined}
      onClose={() => undefined}
      onDismissConflicts={() => undefined}
      onRestoreConflict={async () => true}
      {...subtasks}
      onSkipOccurrence={onSkipOccurrence}
    />,
  );
  return { onChange, onSkipOccurrence, ...subtasks };
}

describe('TaskEditor: schedule and checklist controls', () => {
  afterEach(cleanup);

  it('has the labelled controls: Due date, Due time, Repeat, Remind me, Add subtask', () => {
    renderEditor();
    for (const name of ['Due date', 'Due time', 'Add subtask']) expect(screen.getByLabelText(name)).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Repeat' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Remind me' })).toBeTruthy();
  });

  it('sets a repeat from the due date ("Every week" on its weekday), and offers skip / stop once it repeats', () => {
    const { onChange } = renderEditor();
    const repeat = screen.getByRole('combobox', { name: 'Repeat' });
    // 7 December 2026 is a Monday.
    expect(within(repeat).getByRole('option', { name: 'Every Monday' })).toBeTruthy();
    fireEvent.change(repeat, { target: { value: 'FREQ=WEEKLY;BYDAY=MO' } });
    expect(onChange).toHaveBeenLastCalledWith({ repeat: 'FREQ=WEEKLY;BYDAY=MO' });
    cleanup();

    const { onChange: change, onSkipOccurrence } = renderEditor(
      makeTask({ title: 'Bins', dueDate: '2026-12-07', repeat: 'FREQ=WEEKLY;INTERVAL=3' }),
    );
    // A rule no preset matches is shown as it is.
    expect(
      within(screen.getByRole('combobox', { name: 'Repeat' })).getByRole('option', { name: 'Every 3 weeks' }),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Skip this occurrence' }));
    expect(onSkipOccurrence).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Stop repeating' }));
    expect(change).toHaveBeenLastCalledWith({ repeat: '' });
  });

  it('"Remind me" before due needs a due date; at a time writes an instant', () => {
    const { onChange } = renderEditor(makeTask({ title: 'Call' }));
    const remind = screen.getByRole('combobox', { name: 'Remind me' });
    expect((within(remind).getByRole('option', { name: '15 minutes before' }) as HTMLOptionElement).disabled).toBe(
      true,
    );
    fireEvent.change(remind, { target: { value: 'at' } });
    fireEvent.change(screen.getByLabelText('Remind me at'), { target: { value: '2026-12-01T15:30' } });
    expect(onChange).toHaveBeenLastCalledWith({ reminder: `at:${new Date('2026-12-01T15:30').getTime()}` });
  });

  it('adds, ticks and removes subtasks, and shows progress', () => {
    const task = makeTask({
      title: 'Trip',
      subtasks: {
        a: { title: 'Passport', done: true, order: 1, removed: false },
        b: { title: 'Tickets', done: false, order: 2, removed: false },
        c: { title: 'Old', done: false, order: 3, removed: true },
      },
    });
    const { onAddSubtask, onUpdateSubtask, onRemoveSubtask } = renderEditor(task);
    expect(screen.getByText(/1\/2 done/)).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: 'Old' })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Tickets' }));
    expect(onUpdateSubtask).toHaveBeenCalledWith('b', { done: true });
    fireEvent.click(screen.getByRole('button', { name: 'Remove subtask Passport' }));
    expect(onRemoveSubtask).toHaveBeenCalledWith('a');
    const add = screen.getByRole('textbox', { name: 'Add subtask' });
    fireEvent.change(add, { target: { value: 'Charger' } });
    fireEvent.submit(add.closest('form')!);
    expect(onAddSubtask).toHaveBeenCalledWith('Charger');
  });
});
