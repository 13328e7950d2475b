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

  it('tasks are at v1 and the server accepts v0 and v1 pushes', () => {
    expect(taskSchema.version).toBe(1);
    expect(minSchemaVersion('tasks')).toBe(0);
    expect(minSchemaVersion('lists')).toBe(0);
  });

  it('upgrades a v0 task by adding dueTime, and leaves a v1 task as it is (the same object)', () => {
    const v0 = { id: 'a', title: 'x' };
    expect(upgradeDoc('tasks', v0)).toEqual({ id: 'a', title: 'x', dueTime: '' });
    expect(v0).toEqual({ id: 'a', title: 'x' });
    const v1 = { id: 'a', title: 'x', dueTime: '09:30' };
    expect(upgradeDoc('tasks', v1)).toBe(v1);
    expect(upgradeDoc('tasks', v0, 1)).toBe(v0);
  });

  it('the RxDB migration strategies are the same steps', () => {
    const strategies = migrationStrategies('tasks');
    expect(Object.keys(strategies)).toEqual(['1']);
    expect(strategies[1]!({ id: 'a' })).toEqual({ id: 'a', dueTime: '' });
    expect(migrationStrategies('lists')).toEqual({});
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
