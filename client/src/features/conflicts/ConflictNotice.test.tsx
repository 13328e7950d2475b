import { encodeHlc, type ConflictRecord } from '@taskmaster/shared-schema';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConflictNotice, type CurrentFields } from './ConflictNotice';
import { restorePatch } from './describe-conflict';

const clock = (node: string, ms: number) => encodeHlc({ ms, counter: 0 }, node);
const conflict = (field: string, lostValue: unknown, loser: string): ConflictRecord => ({
  field,
  lostValue: JSON.stringify(lostValue),
  lostClock: clock(loser, 1000),
  winnerClock: clock('other', 2000),
});

describe('ConflictNotice', () => {
  afterEach(cleanup);

  it('shows the losing value, and whether it was this device that lost', () => {
    render(
      <ConflictNotice
        conflicts={[conflict('title', 'Buy oat milk', 'devicea'), conflict('tags', ['home', 'diy'], 'deviceb')]}
        deviceNode="devicea"
        onRestore={async () => true}
        onDismiss={() => undefined}
      />,
    );
    const notice = screen.getByRole('note', { name: 'Sync conflicts' });
    expect(notice.textContent).toContain('Title: your value Buy oat milk was replaced');
    expect(notice.textContent).toContain("Tags: another device's value #home #diy was replaced");
  });

  it('restores a losing value and dismisses', () => {
    const onRestore = vi.fn(async () => true);
    const onDismiss = vi.fn();
    const lost = conflict('priority', 'urgent', 'devicea');
    render(<ConflictNotice conflicts={[lost]} deviceNode="devicea" onRestore={onRestore} onDismiss={onDismiss} />);
    fireEvent.click(screen.getByRole('button', { name: 'Restore priority urgent' }));
    expect(onRestore).toHaveBeenCalledWith(lost);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalled();
  });

  it('[R4] after Restore: says what happened, names the value it replaced, and offers that one back', async () => {
    // Device b's title won over this device's; this device restores its own.
    const lost = conflict('title', 'Buy oat milk', 'devicea');
    const onRestore = vi.fn(async () => true);
    const { rerender } = render(
      <ConflictNotice
        conflicts={[lost]}
        deviceNode="devicea"
        current={{ title: 'Buy almond milk', clocks: { title: lost.winnerClock } } as CurrentFields}
        onRestore={onRestore}
        onDismiss={() => undefined}
      />,
    );
    const notice = screen.getByRole('note', { name: 'Sync conflicts' });
    expect(notice.textContent).toContain('Title: now Buy almond milk; your value Buy oat milk was replaced.');
    fireEvent.click(screen.getByRole('button', { name: 'Restore title Buy oat milk' }));
    await act(async () => undefined);
    expect(onRestore).toHaveBeenCalledWith(lost);

    // The write (the engine's restoreConflict) put the value back and logged the one it replaced.
    const restoredAt = clock('devicea', 3000);
    const replaced: ConflictRecord = {
      field: 'title',
      lostValue: JSON.stringify('Buy almond milk'),
      lostClock: lost.winnerClock,
      winnerClock: restoredAt,
    };
    rerender(
      <ConflictNotice
        conflicts={[replaced]}
        deviceNode="devicea"
        current={{ title: 'Buy oat milk', clocks: { title: restoredAt } } as CurrentFields}
        onRestore={onRestore}
        onDismiss={() => undefined}
      />,
    );
    expect(screen.getByRole('status').textContent).toBe(
      'Restored title “Buy oat milk”. The value it replaced is kept below.',
    );
    expect(notice.textContent).toContain(
      "Title: now Buy oat milk; another device's value Buy almond milk was replaced.",
    );
    expect(notice.textContent).not.toContain('Buy oat milk was replaced');
    expect(notice.textContent).not.toContain('your value');
    fireEvent.click(screen.getByRole('button', { name: 'Restore title Buy almond milk' }));
    expect(onRestore).toHaveBeenLastCalledWith(replaced);
  });

  it('says nothing was restored when the write failed', async () => {
    render(
      <ConflictNotice
        conflicts={[conflict('title', 'Old', 'devicea')]}
        deviceNode="devicea"
        onRestore={async () => false}
        onDismiss={() => undefined}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Restore title Old' }));
    await act(async () => undefined);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('renders nothing without conflicts', () => {
    const { container } = render(
      <ConflictNotice conflicts={[]} deviceNode="a" onRestore={async () => true} onDismiss={() => undefined} />,
    );
    expect(container.innerHTML).toBe('');
  });
});

describe('restorePatch', () => {
  it('re-applies a valid losing value as a patch', () => {
    expect(restorePatch(conflict('title', 'Old title', 'a'))).toEqual({ title: 'Old title' });
    expect(restorePatch(conflict('status', 'todo', 'a'))).toEqual({ status: 'todo', completedAt: 0 });
  });
  it('refuses tombstones and malformed values', () => {
    expect(restorePatch(conflict('deleted', true, 'a'))).toBeUndefined();
    expect(restorePatch(conflict('title', 42, 'a'))).toBeUndefined();
  });
});
