import { describe, expect, it } from 'vitest';
import { parseQuickAdd } from './parse-quick-add';

const lists = [{ id: 'l1', name: 'Home' }];

describe('parseQuickAdd (shorthand only: the fallback before the date parser has loaded)', () => {
  it('keeps a plain title', () => {
    expect(parseQuickAdd('  Buy milk ')).toMatchObject({ kind: 'task', title: 'Buy milk', tags: [], chips: [] });
  });
  it('extracts tags, priority and list', () => {
    expect(parseQuickAdd('Call mum #family !high #phone @home', { lists })).toMatchObject({
      title: 'Call mum',
      tags: ['family', 'phone'],
      priority: 'high',
      listId: 'l1',
    });
    expect(parseQuickAdd('Pay rent !1')).toMatchObject({ priority: 'urgent' });
    expect(parseQuickAdd('Pay rent p4')).toMatchObject({ priority: 'low' });
  });
  it('treats an unknown bang, a number-only #142 and an unknown @list as part of the title', () => {
    expect(parseQuickAdd('Wow !amazing')).toMatchObject({ title: 'Wow !amazing', tags: [] });
    expect(parseQuickAdd('Fix #142 today')).toMatchObject({ title: 'Fix #142 today', tags: [] });
    expect(parseQuickAdd('Ask @sam', { lists })).toMatchObject({ title: 'Ask @sam' });
  });
  it('refuses a line that is only shorthand, with a hint', () => {
    const result = parseQuickAdd('!high');
    expect(result).toMatchObject({ kind: 'refused', hint: expect.stringMatching(/title/) as string });
  });
  it('a removed chip leaves its text in the title', () => {
    const first = parseQuickAdd('!high');
    const keep = new Set(first.chips.map((c) => c.key));
    expect(parseQuickAdd('!high', { keep })).toMatchObject({ kind: 'task', title: '!high' });
  });
});
