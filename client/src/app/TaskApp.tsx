import type { Task, TaskList } from '@taskmaster/shared-schema';
import type { DeletedList, TaskActions, TaskmasterDatabase } from '@taskmaster/sync-client/db';
import { Suspense, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { ListsSidebar } from '../features/lists/ListsSidebar';
import type { SyncView } from '../features/sync/SyncIndicator';
import { EmptyState } from '../features/tasks/EmptyState';
import { QuickAdd } from '../features/tasks/QuickAdd';
import { TaskList as TaskListView } from '../features/tasks/TaskList';
import { Toolbar } from '../features/tasks/Toolbar';
import { localDay, type Scope } from '../features/tasks/task-query';
import { UndoToast } from '../features/undo/UndoToast';
import { Header } from './Header';
import { lazyComponent } from '../ui/lazy-component';
import { useLatest } from '../ui/use-latest';
import { viewKey } from './first-screen';
import { useScope, useViewPrefs, viewSort } from './route';
import type { TaskStore } from './task-store';
import { useTaskSummary, useTaskView, viewChangeCount } from './use-collections';
import { useTaskCommands } from './use-task-commands';

export interface TaskAppProps {
  tasks: readonly Task[];
  lists: readonly TaskList[];
  actions: TaskActions;
  sync: SyncView;
  deviceNode: string;
  email: string;
  onSignOut: () => void;
  /** The session's access token, for the account settings (change password, delete account). */
  getAccessToken?: () => Promise<string | null>;
  /** The local database (export and import in the settings). */
  db?: TaskmasterDatabase | null;
  /**
   * The tasks in memory, kept current per change: the view, its counts and the sidebar are derived
   * from it per change. Without it (component tests), from `tasks` on each change.
   */
  store?: TaskStore | null;
  /**
   * False while `tasks` is only the saved first screen of the view (first-screen.ts): the rows show,
   * the counts say they are loading. Default true.
   */
  complete?: boolean;
  /** Called when the page is idle after a complete view was shown, with its key and rows (to save its first screen). */
  onViewShown?: (view: string, tasks: readonly Task[]) => void;
}

// Not needed to show the list: each loads the first time it opens (and the editor when the page is idle).
const TaskEditor = lazyComponent(() => import('../features/tasks/TaskEditor').then((m) => m.TaskEditor));
const SettingsDialog = lazyComponent(() => import('../features/settings/SettingsDialog').then((m) => m.SettingsDialog));
const ShortcutsHelp = lazyComponent(() => import('../features/shortcuts/ShortcutsHelp').then((m) => m.ShortcutsHelp));
const KeyboardShortcuts = lazyComponent(() => import('./KeyboardShortcuts').then((m) => m.KeyboardShortcuts));
const ConflictBanner = lazyComponent(() =>
  import('../features/conflicts/ConflictBanner').then((m) => m.ConflictBanner),
);
const UpcomingView = lazyComponent(() => import('../features/upcoming/UpcomingView').then((m) => m.UpcomingView));
const Reminders = lazyComponent(() => import('../features/reminders/Reminders').then((m) => m.Reminders));
// The sync status is not the list: it loads right after it, into an empty placeholder of its place.
const SyncIndicator = lazyComponent(() => import('../features/sync/SyncIndicator').then((m) => m.SyncIndicator));

function scopeTitle(scope: Scope, lists: readonly TaskList[]): string {
  switch (scope.kind) {
    case 'all':
      return 'All tasks';
    case 'today':
      return 'Today';
    case 'overdue':
      return 'Overdue';
    case 'upcoming':
      return 'Upcoming';
    case 'inbox':
      return 'Inbox';
    case 'list':
      return lists.find((l) => l.id === scope.listId)?.name ?? 'List';
    case 'tag':
      return `#${scope.tag}`;
  }
}

/** The signed-in application: sidebar, task list, editor and dialogs over the local database. */
export function TaskApp({
  tasks,
  lists,
  actions,
  sync,
  deviceNode,
  email,
  onSignOut,
  getAccessToken,
  db,
  store,
  complete = true,
  onViewShown,
}: TaskAppProps) {
  const [scope, navigate] = useScope();
  const [prefs, setPrefs] = useViewPrefs();
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'settings' | 'help' | null>(null);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [deletedList, setDeletedList] = useState<{ name: string; undo: DeletedList } | null>(null);
  const clearDeletedList = useCallback(() => setDeletedList(null), []);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const today = localDay();

  const sortedLists = useMemo(
    () => [...lists].filter((l) => !l.archived).sort((a, b) => a.order - b.order || a.name.localeCompare(b.name)),
    [lists],
  );
  const sort = viewSort(scope, prefs);
  const visible = useTaskView(store, { scope, status: prefs.status, sort, search: deferredSearch, today }, tasks);
  // The sidebar's counts and tags, the banner, reminders (whose code loads only once some task has a
  // reminder). A first screen is not every task: no counts from it.
  const { counts, tags, hasConflicts, hasReminders } = useTaskSummary(store, tasks, today, complete);
  // Also re-rendered when only the sync state changed: nothing here may walk every task unmemoized.
  const openInView = useMemo(() => visible.filter((t) => t.status !== 'done').length, [visible]);
  const editing = useMemo(() => (editingId ? tasks.find((t) => t.id === editingId) : undefined), [tasks, editingId]);
  const markFired = useCallback(
    (id: string, trigger: number) => actions.updateTask(id, { reminderFiredAt: trigger }),
    [actions],
  );
  const commands = useTaskCommands(actions, tasks, visible, scope, today);
  const shownView = complete ? viewKey({ scope, status: prefs.status, sort, today }) : null;
  // A change elsewhere (another view, a list) leaves the rows as they are but forgets the saved ones.
  const seenAt = viewChangeCount(visible);
  useEffect(() => {
    if (!shownView || !onViewShown) return undefined;
    // Off the interaction's path: a localStorage write of a few ids once the page is idle.
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 200));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const handle = idle(() => onViewShown(shownView, visible), { timeout: 2000 });
    return () => cancel(handle);
  }, [shownView, visible, seenAt, onViewShown]);

  useEffect(() => {
    // Warm the editor's chunk once the list is up, so the first open is instant (and works offline).
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 300));
    idle(() => void TaskEditor.preload().catch(() => undefined));
  }, []);

  const go = useCallback(
    (next: Scope) => {
      navigate(next);
      setSidebarOpen(false);
    },
    [navigate],
  );
  const open = useCallback((task: Task) => {
    setSelectedId(task.id);
    setEditingId(task.id);
  }, []);
  const select = useCallback((task: Task) => setSelectedId(task.id), []);
  // Stable callbacks for the memoized sidebar: they call the latest commands and lists.
  const latest = useLatest({ commands, actions, sortedLists, scope, go });
  const addList = useCallback((name: string, color: string) => {
    const { commands: c, actions: a, sortedLists: ls, go: g } = latest.current;
    c.run(a.addList({ name, color, order: (ls.at(-1)?.order ?? 0) + 1 }).then((id) => g({ kind: 'list', listId: id })));
  }, []);
  const updateList = useCallback((list: TaskList, patch: Parameters<TaskActions['updateList']>[1]) => {
    const { commands: c, actions: a } = latest.current;
    c.run(a.updateList(list.id, patch));
  }, []);
  const deleteList = useCallback((list: TaskList) => {
    const { commands: c, actions: a, scope: current, go: g } = latest.current;
    // One change: the tasks move to the Inbox in one bulk write, then the list goes; Undo reverses both.
    c.run(a.deleteListToInbox(list.id).then((undo) => setDeletedList({ name: list.name, undo })));
    if (current.kind === 'list' && current.listId === list.id) g({ kind: 'inbox' });
  }, []);

  return (
    <div className={`app${editing ? ' app--editing' : ''}${sidebarOpen ? ' app--sidebar-open' : ''}`}>
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          // The URL hash is the route: move the focus without touching it.
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to tasks
      </a>
      <Header
        search={search}
        onSearch={setSearch}
        searchRef={searchRef}
        sync={
          <Suspense fallback={<div className={`sync sync--${sync.status}`} aria-hidden="true" />}>
            <SyncIndicator state={sync} />
          </Suspense>
        }
        onToggleSidebar={() => setSidebarOpen((v) => !v)}
        sidebarOpen={sidebarOpen}
        onOpenSettings={() => setDialog('settings')}
        onOpenHelp={() => setDialog('help')}
      />
      <div className="sidebar-scrim" onClick={() => setSidebarOpen(false)} aria-hidden="true" />
      <ListsSidebar
        scope={scope}
        lists={sortedLists}
        tags={tags}
        counts={counts}
        onNavigate={go}
        onAddList={addList}
        onUpdateList={updateList}
        onDeleteList={deleteList}
      />
      <main className="main" id="main" tabIndex={-1} aria-labelledby="view-title">
        <div className="main__inner">
          <Toolbar
            title={scopeTitle(scope, sortedLists)}
            count={complete ? openInView : null}
            prefs={prefs}
            onPrefs={setPrefs}
          />
          {hasConflicts && (
            <Suspense fallback={null}>
              <ConflictBanner tasks={tasks} onReview={open} />
            </Suspense>
          )}
          <QuickAdd onAdd={commands.add} inputRef={quickAddRef} lists={sortedLists} />
          {scope.kind === 'upcoming' ? (
            <Suspense fallback={null}>
              <UpcomingView
                tasks={visible}
                lists={lists}
                today={today}
                selectedId={selectedId}
                onToggle={commands.toggle}
                onOpen={open}
                onDelete={commands.remove}
                onSelect={(task) => setSelectedId(task.id)}
              />
            </Suspense>
          ) : visible.length === 0 ? (
            <EmptyState
              scope={scope}
              status={prefs.status}
              search={deferredSearch}
              hasAnyTask={tasks.length > 0}
              onClearSearch={() => setSearch('')}
            />
          ) : (
            <TaskListView
              tasks={visible}
              lists={lists}
              today={today}
              selectedId={selectedId}
              reorderable={prefs.sort === 'manual' && deferredSearch === ''}
              onReorder={commands.reorder}
              onToggle={commands.toggle}
              onOpen={open}
              onDelete={commands.remove}
              onSelect={select}
            />
          )}
        </div>
      </main>
      {editing && (
        <Suspense fallback={null}>
          <TaskEditor
            key={editing.id}
            task={editing}
            lists={sortedLists}
            today={today}
            deviceNode={deviceNode}
            onChange={(patch) => commands.update(editing.id, patch)}
            onDelete={() => {
              commands.remove(editing);
              setEditingId(null);
            }}
            onClose={() => setEditingId(null)}
            onDismissConflicts={() => commands.run(actions.dismissConflicts('tasks', editing.id))}
            onRestoreConflict={(conflict, patch) => commands.run(actions.restoreConflict(editing.id, conflict, patch))}
            onAddSubtask={(title) => commands.run(actions.addSubtask(editing.id, title))}
            onUpdateSubtask={(subId, patch) => commands.run(actions.updateSubtask(editing.id, subId, patch))}
            onRemoveSubtask={(subId) => commands.run(actions.removeSubtask(editing.id, subId))}
            onSkipOccurrence={() => commands.run(actions.skipOccurrence(editing.id))}
          />
        </Suspense>
      )}
      <div className="toasts">
        {commands.undo && (
          <UndoToast
            message={`Deleted “${commands.undo.task.title}”`}
            onUndo={commands.undoDelete}
            onExpire={commands.clearUndo}
          />
        )}
        {deletedList && (
          <UndoToast
            message={`Deleted list “${deletedList.name}”`}
            onUndo={() => {
              commands.run(actions.undoDeleteList(deletedList.undo));
              setDeletedList(null);
            }}
            onExpire={clearDeletedList}
          />
        )}
        {commands.error && <UndoToastError message={commands.error} onClose={commands.clearError} />}
      </div>
      {hasReminders && (
        <Suspense fallback={null}>
          <Reminders
            tasks={tasks}
            deviceNode={deviceNode}
            onFired={markFired}
            onOpen={(id) => {
              const task = tasks.find((t) => t.id === id);
              if (task) open(task);
            }}
          />
        </Suspense>
      )}
      <Suspense fallback={null}>
        <KeyboardShortcuts
          visible={visible}
          selectedId={selectedId}
          setSelectedId={setSelectedId}
          editing={editing !== undefined}
          dialogOpen={dialog !== null}
          reorderable={prefs.sort === 'manual'}
          commands={commands}
          focusNew={() => quickAddRef.current?.focus()}
          focusSearch={() => searchRef.current?.focus()}
          open={open}
          closeEditor={() => setEditingId(null)}
          showHelp={() => setDialog('help')}
        />
      </Suspense>
      <Suspense fallback={null}>
        {dialog === 'settings' && (
          <SettingsDialog
            email={email}
            taskCount={tasks.length}
            data={{ db, tasks, lists }}
            onSignOut={onSignOut}
            getAccessToken={getAccessToken}
            onClose={() => setDialog(null)}
          />
        )}
        {dialog === 'help' && <ShortcutsHelp onClose={() => setDialog(null)} />}
      </Suspense>
    </div>
  );
}

function UndoToastError({ message, onClose }: { message: string; onClose: () => void }) {
  return (
    <div className="toast toast--error" role="alert">
      <span>Could not save: {message}</span>
      <button type="button" className="toast__action" onClick={onClose}>
        Dismiss
      </button>
    </div>
  );
}
