import { describe, expect, it } from 'vitest';
import { COLLECTION_NAMES } from './index.js';
import { taskSchema } from './tasks.js';
import { addFields } from './upgrade-step.js';
import {
  migrationStrategies,
  minSchemaVersion,
  schemaHistoryProblems,
  SCHEMA_HISTORY,
  upgradeDoc,
} from './versioning.js';

describe('schema versions (SPEC, "Versions")', () => {
  it('every collection has one upgrade step per version, in order', () => {
    for (const name of COLLECTION_NAMES) expect(schemaHistoryProblems(name)).toEqual([]);
    expect(SCHEMA_HISTORY.tasks.version).toBe(taskSchema.version);
  });

  it('tasks are at v2, lists at v1, and the server accepts pushes from v0 on (the last deployed app)', () => {
    expect(taskSchema.version).toBe(2);
    expect(minSchemaVersion('tasks')).toBe(0);
    expect(minSchemaVersion('lists')).toBe(0);
  });

  const V2_DEFAULTS = { startDate: '', repeat: '', subtasks: {}, reminder: '', reminderFiredAt: 0 };

  it('upgrades a v0 task by adding dueTime and the v2 fields, and leaves a v2 task as it is (the same object)', () => {
    const v0 = { id: 'a', title: 'x' };
    expect(upgradeDoc('tasks', v0)).toEqual({ id: 'a', title: 'x', dueTime: '', ...V2_DEFAULTS });
    expect(v0).toEqual({ id: 'a', title: 'x' });
    const v1 = { id: 'a', title: 'x', dueTime: '09:30' };
    expect(upgradeDoc('tasks', v1, 1)).toEqual({ ...v1, ...V2_DEFAULTS });
    const v2 = { ...v1, ...V2_DEFAULTS, repeat: 'FREQ=DAILY' };
    expect(upgradeDoc('tasks', v2)).toBe(v2);
    expect(upgradeDoc('tasks', v0, 2)).toBe(v0);
  });

  it('the RxDB migration strategies are the same steps', () => {
    const strategies = migrationStrategies('tasks');
    expect(Object.keys(strategies)).toEqual(['1', '2']);
    expect(strategies[1]!({ id: 'a' })).toEqual({ id: 'a', dueTime: '' });
    expect(strategies[2]!({ id: 'a', dueTime: '' })).toEqual({ id: 'a', dueTime: '', ...V2_DEFAULTS });
    expect(Object.keys(migrationStrategies('lists'))).toEqual(['1']);
    expect(migrationStrategies('lists')[1]!({ id: 'l' })).toEqual({ id: 'l', icon: '' });
  });

  it('addFields is idempotent and never shares a default between documents', () => {
    const step = addFields({ subtasks: [] as unknown[], startDate: '' });
    const a = step({ id: 'a' });
    const b = step({ id: 'b' });
    expect(a.subtasks).not.toBe(b.subtasks);
    expect(step(a)).toBe(a);
    expect(step({ id: 'c', startDate: '2026-01-01' })).toEqual({ id: 'c', startDate: '2026-01-01', subtasks: [] });
  });
});
