import { encodeHlc, type ConflictRecord } from '@taskmaster/shared-schema';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConflictNotice } from './ConflictNotice';
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
        onRestore={() => undefined}
        onDismiss={() => undefined}
      />,
    );
    const notice = screen.getByRole('note', { name: 'Sync conflicts' });
    expect(notice.textContent).toContain('Title: your value Buy oat milk was replaced');
    expect(notice.textContent).toContain("Tags: another device's value #home #diy was replaced");
  });

  it('restores a losing value and dismisses', () => {
    const onRestore = vi.fn();
    const onDismiss = vi.fn();
    const lost = conflict('priority', 'urgent', 'devicea');
    render(<ConflictNotice conflicts={[lost]} deviceNode="devicea" onRestore={onRestore} onDismiss={onDismiss} />);
    fireEvent.click(screen.getByRole('button', { name: 'Restore priority urgent' }));
    expect(onRestore).toHaveBeenCalledWith(lost);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalled();
  });

  it('renders nothing without conflicts', () => {
    const { container } = render(
      <ConflictNotice conflicts={[]} deviceNode="a" onRestore={() => undefined} onDismiss={() => undefined} />,
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
