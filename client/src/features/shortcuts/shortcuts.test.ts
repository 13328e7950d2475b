import { describe, expect, it } from 'vitest';
import { resolveShortcut, type KeyLike } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('resolveShortcut', () => {
  it('maps the common actions', () => {
    expect(resolveShortcut(key('n'), false)).toBe('focus-new');
    expect(resolveShortcut(key('/'), false)).toBe('focus-search');
    expect(resolveShortcut(key('j'), false)).toBe('next');
    expect(resolveShortcut(key('x'), false)).toBe('toggle-done');
    expect(resolveShortcut(key('Delete'), false)).toBe('delete');
    expect(resolveShortcut(key('Backspace'), false)).toBe('delete-ask');
    expect(resolveShortcut(key('Backspace'), true)).toBeNull();
    expect(resolveShortcut(key('z', { ctrlKey: true }), false)).toBe('undo');
    expect(resolveShortcut(key('ArrowUp', { altKey: true }), false)).toBe('move-up');
  });
  it('leaves typing alone except Escape', () => {
    expect(resolveShortcut(key('n'), true)).toBeNull();
    expect(resolveShortcut(key('z', { ctrlKey: true }), true)).toBeNull();
    expect(resolveShortcut(key('Escape'), true)).toBe('escape');
  });
  it('ignores browser shortcuts', () => {
    expect(resolveShortcut(key('n', { ctrlKey: true }), false)).toBeNull();
    expect(resolveShortcut(key('z', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
  });
});
