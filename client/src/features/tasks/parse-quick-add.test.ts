import { describe, expect, it } from 'vitest';
import { parseQuickAdd } from './parse-quick-add';

describe('parseQuickAdd', () => {
  it('keeps a plain title', () => {
    expect(parseQuickAdd('  Buy milk ')).toEqual({ title: 'Buy milk', tags: [] });
  });
  it('extracts tags and priority', () => {
    expect(parseQuickAdd('Call mum #family !high #phone')).toEqual({
      title: 'Call mum',
      tags: ['family', 'phone'],
      priority: 'high',
    });
    expect(parseQuickAdd('Pay rent !1')).toMatchObject({ priority: 'urgent' });
  });
  it('treats an unknown bang as part of the title', () => {
    expect(parseQuickAdd('Wow !amazing')).toEqual({ title: 'Wow !amazing', tags: [] });
  });
  it('never produces an empty title', () => {
    expect(parseQuickAdd('#only')).toEqual({ title: '#only', tags: ['only'] });
  });
});
