import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParsedQuickAdd } from './parse-quick-add';
import { QuickAdd } from './QuickAdd';

const box = () => screen.getByRole('textbox', { name: 'New task' }) as HTMLInputElement;
const tomorrow = () => {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('QuickAdd: the lazy date parser', () => {
  beforeEach(() => window.sessionStorage.clear());
  afterEach(cleanup);

  it('Enter before the date parser has loaded waits for it when the line may hold a date', async () => {
    const onAdd = vi.fn(async (_parsed: ParsedQuickAdd) => 't1');
    render(<QuickAdd onAdd={onAdd} />);
    fireEvent.input(box(), { target: { value: 'Pay rent tomorrow !high' } });
    fireEvent.submit(box().closest('form')!);
    await vi.waitFor(() => expect(onAdd).toHaveBeenCalledTimes(1), { timeout: 10_000 });
    expect(onAdd.mock.calls[0]![0]).toMatchObject({ title: 'Pay rent', dueDate: tomorrow(), priority: 'high' });
    await vi.waitFor(() => expect(box().value).toBe(''));
  });

  it('the preview chips remove one part at a time, and Enter adds what the preview shows', async () => {
    const onAdd = vi.fn(async (_parsed: ParsedQuickAdd) => 't1');
    render(<QuickAdd onAdd={onAdd} lists={[{ id: 'l1', name: 'Home' }]} />);
    fireEvent.focus(box());
    fireEvent.input(box(), { target: { value: 'Call mum tomorrow every week #family @home' } });
    const group = await screen.findByRole('group', { name: 'Will be added as' }, { timeout: 10_000 });
    for (const name of ['Remove Tomorrow', 'Remove Every week', 'Remove #family', 'Remove Home'])
      expect(within(group).getByRole('button', { name })).toBeTruthy();
    fireEvent.click(within(group).getByRole('button', { name: 'Remove #family' }));
    expect(within(group).queryByRole('button', { name: 'Remove #family' })).toBeNull();
    fireEvent.submit(box().closest('form')!);
    await vi.waitFor(() => expect(onAdd).toHaveBeenCalledTimes(1));
    expect(onAdd.mock.calls[0]![0]).toMatchObject({
      title: 'Call mum #family',
      tags: [],
      listId: 'l1',
      repeat: expect.stringMatching(/^FREQ=WEEKLY/) as string,
    });
  });

  it('a line that is only shorthand is refused with a hint and adds nothing', async () => {
    const onAdd = vi.fn(async (_parsed: ParsedQuickAdd) => 't1');
    render(<QuickAdd onAdd={onAdd} />);
    fireEvent.input(box(), { target: { value: '!high' } });
    fireEvent.submit(box().closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Add a title/);
    expect(onAdd).not.toHaveBeenCalled();
    expect(box().value).toBe('!high');
  });
});
