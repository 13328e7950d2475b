import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParsedQuickAdd } from './parse-quick-add';
import { QuickAdd } from './QuickAdd';

/** A write the test commits or fails by hand. */
function deferred() {
  let resolve!: (id: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const box = () => screen.getByRole('textbox', { name: 'New task' }) as HTMLInputElement;
function enter(text: string) {
  fireEvent.input(box(), { target: { value: text } });
  fireEvent.submit(box().closest('form')!);
}

describe('QuickAdd: what the user entered is saved', () => {
  beforeEach(() => window.sessionStorage.clear());
  afterEach(cleanup);

  it('[R1] keeps the text until the write commits, then clears', async () => {
    const write = deferred();
    const onAdd = vi.fn((_parsed: ParsedQuickAdd) => write.promise);
    render(<QuickAdd onAdd={onAdd} />);
    enter('Buy milk #groceries');
    expect(onAdd).toHaveBeenCalledTimes(1);
    expect(onAdd.mock.calls[0]![0]).toMatchObject({ title: 'Buy milk', tags: ['groceries'] });
    expect(box().value).toBe('Buy milk #groceries');
    await act(async () => write.resolve('t1'));
    expect(box().value).toBe('');
  });

  it('[R1] a failed write leaves the text in the box with a visible reason', async () => {
    const write = deferred();
    render(<QuickAdd onAdd={() => write.promise} />);
    enter('Call the bank');
    await act(async () => write.reject(new Error('QuotaExceededError')));
    expect(box().value).toBe('Call the bank');
    expect(screen.getByRole('alert').textContent).toContain('Not saved: QuotaExceededError');
    expect(box().getAttribute('aria-invalid')).toBe('true');
  });

  it('a second Enter on the same text while it is being saved adds nothing', async () => {
    const write = deferred();
    const onAdd = vi.fn(() => write.promise);
    render(<QuickAdd onAdd={onAdd} />);
    enter('Once');
    fireEvent.submit(box().closest('form')!);
    expect(onAdd).toHaveBeenCalledTimes(1);
    await act(async () => write.resolve('t1'));
  });

  it('text typed while the write is in flight is kept', async () => {
    const write = deferred();
    render(<QuickAdd onAdd={() => write.promise} />);
    enter('First');
    fireEvent.input(box(), { target: { value: 'Second, still typing' } });
    await act(async () => write.resolve('t1'));
    expect(box().value).toBe('Second, still typing');
  });

  it('loads the date parser on focus and previews with it (the parser is kept as a value)', async () => {
    render(<QuickAdd onAdd={() => Promise.resolve('t1')} />);
    fireEvent.focus(box());
    fireEvent.input(box(), { target: { value: 'Pay rent tomorrow' } });
    expect(await screen.findByRole('group', { name: 'Will be added as' }, { timeout: 4_000 })).toBeTruthy();
  });

  it('[R1] a reload while the write is in flight brings the text back', async () => {
    const first = render(<QuickAdd onAdd={() => new Promise<string>(() => undefined)} />);
    enter('Half-saved task');
    first.unmount(); // the page goes away before the write committed
    render(<QuickAdd onAdd={() => Promise.resolve('t1')} />);
    expect(box().value).toBe('Half-saved task');
    fireEvent.submit(box().closest('form')!);
    await act(async () => undefined);
    expect(box().value).toBe('');
    expect(window.sessionStorage.length).toBe(0);
  });
});
