import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTask } from '../../../test/support/test-fixtures';
import type { TaskPatch } from '@taskmaster/sync-client/db';
import { TaskEditor } from './TaskEditor';

/** Writes the test commits (true), fails (false) or leaves in flight, one by one. */
function writes() {
  const settle: ((ok: boolean) => void)[] = [];
  const onChange = vi.fn(
    (_patch: TaskPatch) =>
      new Promise<boolean>((resolve) => {
        settle.push(resolve);
      }),
  );
  return { onChange, settle };
}

function renderEditor(onChange: (patch: TaskPatch) => Promise<boolean>) {
  render(
    <TaskEditor
      task={makeTask({ title: 'Pay rent' })}
      lists={[]}
      today="2026-12-01"
      deviceNode="devicea"
      onChange={onChange}
      onDelete={() => undefined}
      onClose={() => undefined}
      onDismissConflicts={() => undefined}
      onRestoreConflict={async () => true}
    />,
  );
}

const saveStatus = () =>
  screen.getAllByRole('status').find((element) => element.classList.contains('editor__save'))!.textContent;

describe('TaskEditor: an edit shows as saved only once it is stored', () => {
  afterEach(cleanup);

  it('[R1] says "Saving…" while the write is in flight and "Saved" only after it committed', async () => {
    const { onChange, settle } = writes();
    renderEditor(onChange);
    expect(saveStatus()).toBe('');
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: 'high' } });
    expect(onChange).toHaveBeenCalledWith({ priority: 'high' });
    expect(saveStatus()).toBe('Saving…');
    await act(async () => settle[0]!(true));
    expect(saveStatus()).toBe('Saved');
  });

  it('[R1] typed text is "Unsaved changes" until the field is left, then saved', async () => {
    const { onChange, settle } = writes();
    renderEditor(onChange);
    const title = screen.getByLabelText('Title');
    fireEvent.input(title, { target: { value: 'Pay the rent' } });
    expect(saveStatus()).toBe('Unsaved changes');
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(title);
    expect(onChange).toHaveBeenCalledWith({ title: 'Pay the rent' });
    expect(saveStatus()).toBe('Saving…');
    await act(async () => settle[0]!(true));
    expect(saveStatus()).toBe('Saved');
  });

  it('stays "Saving…" until every write in flight committed, and says "Not saved" if one failed', async () => {
    const { onChange, settle } = writes();
    renderEditor(onChange);
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: 'high' } });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'in-progress' } });
    await act(async () => settle[0]!(false));
    expect(saveStatus()).toBe('Saving…');
    await act(async () => settle[1]!(true));
    expect(saveStatus()).toBe('Not saved');
    // The next edit that commits clears the failure.
    fireEvent.click(screen.getByRole('button', { name: 'Today' }));
    await act(async () => settle[2]!(true));
    expect(saveStatus()).toBe('Saved');
  });
});
