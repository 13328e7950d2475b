import { useEffect, useRef, useState } from 'react';
import { userTimeZone } from '../tasks/zoned-time';
import { isReminderDue, nextReminderAt, reminderBody, reminderTrigger, type RemindableTask } from './reminder-time';
import './reminders.css';

interface RemindersProps {
  tasks: readonly RemindableTask[];
  /** This device's clock node id: spreads devices' delivery a little, so one device's mark can win. */
  deviceNode: string;
  /** Marks the reminder shown (`reminderFiredAt`), which syncs: no other device shows it again. */
  onFired: (taskId: string, trigger: number) => Promise<unknown>;
  onOpen: (taskId: string) => void;
}

interface Shown {
  taskId: string;
  trigger: number;
  title: string;
  body: string;
}

/** Longest single timer: re-check at least this often (timers drift while a device sleeps). */
const MAX_TIMER_MS = 60_000;
/** Up to this long before showing, per device, so a device that was quicker marks it first. */
const SPREAD_MS = 1_500;

function spreadFor(node: string): number {
  let h = 0;
  for (let i = 0; i < node.length; i++) h = (h * 31 + node.charCodeAt(i)) >>> 0;
  return h % SPREAD_MS;
}

async function systemNotification(shown: Shown): Promise<boolean> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  if (!('serviceWorker' in navigator)) return false;
  try {
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise<null>((resolve) => window.setTimeout(() => resolve(null), 3_000)),
    ]);
    if (!registration) return false;
    await registration.showNotification(shown.title, {
      body: shown.body,
      tag: `reminder:${shown.taskId}:${shown.trigger}`,
      data: { taskId: shown.taskId },
      icon: '/icons/icon-192.png',
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Delivers due reminders while the app (or its service worker) is alive: as a system notification
 * through the service worker when the permission is granted, otherwise in the app. Only one tab of
 * a browser delivers (a Web Lock), and the device that delivers marks the reminder fired; the mark
 * syncs, so the user's other devices do not show it again.
 */
export function Reminders({ tasks, deviceNode, onFired, onOpen }: RemindersProps) {
  const [holder, setHolder] = useState(() => typeof navigator === 'undefined' || !('locks' in navigator));
  const [inApp, setInApp] = useState<Shown[]>([]);
  // Bumped by the timer: each run of the effect checks what is due and sets the next timer.
  const [tick, setTick] = useState(0);
  const latest = useRef(tasks);
  latest.current = tasks;
  const delivering = useRef(new Set<string>());
  const open = useRef(onOpen);
  open.current = onOpen;

  useEffect(() => {
    // A click on a system notification: the service worker focuses this window and names the task.
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return undefined;
    const onMessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { type?: unknown; taskId?: unknown } | null;
      if (data?.type === 'taskmaster:open-task' && typeof data.taskId === 'string') open.current(data.taskId);
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    // Once per mount: the lock is held (the callback's promise pending) until this unmounts.
    if (typeof navigator === 'undefined' || !('locks' in navigator)) return undefined;
    const release = new AbortController();
    navigator.locks
      .request('taskmaster-reminders', { signal: release.signal }, () => {
        setHolder(true);
        return new Promise<void>((resolve) => release.signal.addEventListener('abort', () => resolve()));
      })
      .catch(() => undefined);
    return () => release.abort();
  }, []);

  useEffect(() => {
    if (!holder) return undefined;
    const zone = userTimeZone();
    const deliver = (task: RemindableTask) => {
      const trigger = reminderTrigger(task, zone);
      if (trigger === null) return;
      const key = `${task.id}:${trigger}`;
      if (delivering.current.has(key)) return;
      delivering.current.add(key);
      window.setTimeout(() => {
        // Another device may have shown it meanwhile: its mark has synced into `latest`.
        const current = latest.current.find((t) => t.id === task.id);
        if (!current || !isReminderDue(current, Date.now(), zone)) return;
        const shown = { taskId: task.id, trigger, title: current.title, body: reminderBody(current) };
        void systemNotification(shown).then((system) => {
          if (!system) setInApp((list) => [...list.filter((s) => s.taskId !== shown.taskId), shown]);
          return onFired(task.id, trigger);
        });
      }, spreadFor(deviceNode));
    };
    const check = () => {
      const now = Date.now();
      for (const task of latest.current) if (isReminderDue(task, now, zone)) deliver(task);
    };
    check();
    const next = nextReminderAt(tasks, Date.now(), zone);
    const wait = next === null ? MAX_TIMER_MS : Math.min(Math.max(0, next - Date.now()), MAX_TIMER_MS);
    const timer = window.setTimeout(() => setTick((n) => n + 1), wait);
    const onVisible = () => document.visibilityState === 'visible' && check();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [tasks, holder, deviceNode, onFired, tick]);

  // `data-holder`: this tab delivers reminders (it holds the lock and has checked what is due).
  if (inApp.length === 0) return <div hidden data-reminders={holder ? 'holder' : 'waiting'} />;
  return (
    <div className="reminders" role="group" aria-label="Reminders" data-reminders={holder ? 'holder' : 'waiting'}>
      {inApp.map((shown) => (
        <div key={`${shown.taskId}:${shown.trigger}`} className="toast toast--reminder" role="alert">
          <span>
            <strong>Reminder: {shown.title}</strong>
            <span className="muted"> · {shown.body}</span>
          </span>
          <button
            type="button"
            className="toast__action"
            onClick={() => {
              onOpen(shown.taskId);
              setInApp((list) => list.filter((s) => s !== shown));
            }}
          >
            Open
          </button>
          <button
            type="button"
            className="toast__action toast__action--quiet"
            onClick={() => setInApp((list) => list.filter((s) => s !== shown))}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
