import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTaskmasterDatabase, type TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { makeTask } from '../../test/support/test-fixtures';
import {
  changeCount,
  FIRST_SCREEN_ROWS,
  forgetAllFirstScreens,
  readFirstScreen,
  saveFirstScreen,
  viewKey,
  watchChanges,
} from './first-screen';

const USER = 'user-1';
const TODAY = '2026-12-01';
const VIEW = viewKey({ scope: { kind: 'all' }, status: 'all', sort: 'manual', today: TODAY });

let db: TaskmasterDatabase;
let stop: () => void;
beforeEach(async () => {
  window.localStorage.clear();
  db = await createTaskmasterDatabase({ name: `first-screen-${Date.now()}`, storage: getRxStorageMemory() });
  await db.tasks.bulkInsert(['a', 'b', 'c'].map((id) => makeTask({ id, title: id.toUpperCase() })));
  stop = watchChanges(db, USER);
});
afterEach(async () => {
  stop();
  await db.close();
});

const ids = async (view = VIEW) => (await readFirstScreen(db, USER, view))?.map((doc) => doc.id) ?? null;
const rows = (...ids: string[]) => ids.map((id) => ({ id }));

describe('the saved first screen', () => {
  it('reads the saved rows by id, in the saved order, for the same view and day only', async () => {
    saveFirstScreen(USER, VIEW, rows('c', 'a'), changeCount());
    expect(await ids()).toEqual(['c', 'a']);
    expect(await ids(viewKey({ scope: { kind: 'inbox' }, status: 'all', sort: 'manual', today: TODAY }))).toBeNull();
    expect(
      await ids(viewKey({ scope: { kind: 'all' }, status: 'all', sort: 'manual', today: '2026-12-02' })),
    ).toBeNull();
    expect(await readFirstScreen(db, 'someone-else', VIEW)).toBeNull();
  });

  it('is forgotten by any change to tasks or lists, and a view computed before a change is not saved', async () => {
    const seenAt = changeCount();
    saveFirstScreen(USER, VIEW, rows('a', 'b'), seenAt);
    await db.tasks.upsert(makeTask({ id: 'b', title: 'B2' }));
    expect(await ids()).toBeNull();
    // The view the tab had computed before that change must not come back as the saved one.
    saveFirstScreen(USER, VIEW, rows('a', 'b'), seenAt);
    expect(await ids()).toBeNull();
    saveFirstScreen(USER, VIEW, rows('a', 'b'), changeCount());
    expect(await ids()).toEqual(['a', 'b']);
    await db.lists.insert(makeList());
    expect(await ids()).toBeNull();
  });

  it('is not used when one of its documents is gone, or when what is stored is not a saved screen', async () => {
    saveFirstScreen(USER, VIEW, rows('a', 'zzz'), changeCount());
    expect(await ids()).toBeNull();
    for (const junk of ['not json', '{"ids":[]}', '{"schemas":1}', 'null']) {
      window.localStorage.setItem(`taskmaster:first-screen:${USER}`, junk);
      expect(await ids()).toBeNull();
    }
  });

  it(`keeps at most ${FIRST_SCREEN_ROWS} rows, and sign-out forgets every user's`, async () => {
    const many = Array.from({ length: FIRST_SCREEN_ROWS + 10 }, (_, i) => `id-${i}`);
    saveFirstScreen(USER, VIEW, rows(...many), changeCount());
    const stored = JSON.parse(window.localStorage.getItem(`taskmaster:first-screen:${USER}`)!) as { ids: string[] };
    expect(stored.ids).toEqual(many.slice(0, FIRST_SCREEN_ROWS));
    window.localStorage.setItem('taskmaster:view-prefs', '{}');
    forgetAllFirstScreens();
    expect(window.localStorage.getItem(`taskmaster:first-screen:${USER}`)).toBeNull();
    expect(window.localStorage.getItem('taskmaster:view-prefs')).toBe('{}');
  });
});

function makeList() {
  return {
    id: 'list-1',
    name: 'Home',
    color: '#3b5bdb',
    order: 1,
    archived: false,
    createdAt: 1,
    updatedAt: 1,
    clocks: {},
    conflicts: [],
  };
}
