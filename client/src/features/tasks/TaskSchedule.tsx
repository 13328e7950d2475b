import type { Task } from '@taskmaster/shared-schema';
import { useId, useState } from 'react';
import type { TaskPatch } from '@taskmaster/sync-client/db';
import { describeRepeat, WEEKDAY_CODES } from './recurrence-phrase';
import './editor-depth.css';

interface TaskScheduleProps {
  task: Task;
  today: string;
  change: (patch: TaskPatch) => void;
  onSkipOccurrence: () => void;
}

/** The repeat presets; "on the due day" ones are built from the due date. */
function presets(dueDate: string): { label: string; rule: string }[] {
  const day = dueDate || undefined;
  const weekday = day ? WEEKDAY_CODES[new Date(`${day}T00:00:00Z`).getUTCDay()]! : undefined;
  const monthDay = day ? Number(day.slice(8, 10)) : undefined;
  return [
    { label: 'Does not repeat', rule: '' },
    { label: 'Every day', rule: 'FREQ=DAILY' },
    { label: 'Weekdays', rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
    { label: 'Every week', rule: weekday ? `FREQ=WEEKLY;BYDAY=${weekday}` : 'FREQ=WEEKLY' },
    { label: 'Every 2 weeks', rule: 'FREQ=WEEKLY;INTERVAL=2' },
    { label: 'Every month', rule: monthDay ? `FREQ=MONTHLY;BYMONTHDAY=${monthDay}` : 'FREQ=MONTHLY' },
    { label: 'Every year', rule: 'FREQ=YEARLY' },
  ].map((p) =>
    p.rule && p.label !== 'Weekdays' && p.label !== 'Every day' ? { ...p, label: describeRepeat(p.rule) } : p,
  );
}

const BEFORE_OPTIONS: { label: string; minutes: number }[] = [
  { label: 'At the due time', minutes: 0 },
  { label: '5 minutes before', minutes: 5 },
  { label: '15 minutes before', minutes: 15 },
  { label: '30 minutes before', minutes: 30 },
  { label: '1 hour before', minutes: 60 },
  { label: '1 day before', minutes: 1440 },
];

const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DDTHH:MM` in local time, for a datetime-local input. */
function localInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Due time, start date, repeat (with "Skip this occurrence" / "Stop repeating") and "Remind me". */
export function TaskSchedule({ task, today, change, onSkipOccurrence }: TaskScheduleProps) {
  const id = useId();
  const repeat = task.repeat ?? '';
  const options = presets(task.dueDate);
  const custom = repeat !== '' && !options.some((o) => o.rule === repeat);
  const reminder = task.reminder ?? '';
  const [pickTime, setPickTime] = useState(reminder.startsWith('at:'));
  const reminderValue = pickTime || reminder.startsWith('at:') ? 'at' : reminder;
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );

  return (
    <>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-time`}>Due time</label>
          <div className="field__inline">
            <input
              id={`${id}-time`}
              type="time"
              value={task.dueTime ?? ''}
              onChange={(e) =>
                // A time needs a day: today, unless the task already has one.
                change(task.dueDate ? { dueTime: e.target.value } : { dueTime: e.target.value, dueDate: today })
              }
            />
            {(task.dueTime ?? '') !== '' && (
              <button
                type="button"
                className="pill"
                aria-label="Clear due time"
                onClick={() => change({ dueTime: '' })}
              >
                Clear
              </button>
            )}
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-start`}>Start date</label>
          <input
            id={`${id}-start`}
            type="date"
            value={task.startDate ?? ''}
            max={task.dueDate || undefined}
            aria-describedby={`${id}-start-hint`}
            onChange={(e) => change({ startDate: e.target.value })}
          />
          <small id={`${id}-start-hint`} className="muted">
            Hidden from Today, Inbox and All tasks until then, unless it is due.
          </small>
        </div>
      </div>

      <div className="field">
        <label htmlFor={`${id}-repeat`}>Repeat</label>
        <div className="field__inline">
          <select
            id={`${id}-repeat`}
            value={repeat}
            onChange={(e) =>
              change(task.dueDate ? { repeat: e.target.value } : { repeat: e.target.value, dueDate: today })
            }
          >
            {options.map((o) => (
              <option key={o.label} value={o.rule}>
                {o.label}
              </option>
            ))}
            {custom && <option value={repeat}>{describeRepeat(repeat)}</option>}
          </select>
          {repeat !== '' && (
            <>
              <button type="button" className="pill" onClick={onSkipOccurrence}>
                Skip this occurrence
              </button>
              <button type="button" className="pill" onClick={() => change({ repeat: '' })}>
                Stop repeating
              </button>
            </>
          )}
        </div>
        {repeat !== '' && <p className="field__hint muted">Completing it schedules the next one.</p>}
      </div>

      <div className="field">
        <label htmlFor={`${id}-remind`}>Remind me</label>
        <div className="field__inline">
          <select
            id={`${id}-remind`}
            value={reminderValue}
            onChange={(e) => {
              const value = e.target.value;
              if (value === 'at') {
                setPickTime(true);
                return;
              }
              setPickTime(false);
              change({ reminder: value });
            }}
          >
            <option value="">No reminder</option>
            {BEFORE_OPTIONS.map((o) => (
              <option key={o.minutes} value={`before:${o.minutes}`} disabled={task.dueDate === ''}>
                {o.label}
              </option>
            ))}
            <option value="at">At a time…</option>
          </select>
          {reminderValue === 'at' && (
            <input
              type="datetime-local"
              aria-label="Remind me at"
              value={reminder.startsWith('at:') ? localInput(Number(reminder.slice(3))) : ''}
              onChange={(e) => {
                const ms = new Date(e.target.value).getTime();
                if (Number.isFinite(ms)) change({ reminder: `at:${ms}` });
              }}
            />
          )}
        </div>
        {reminder !== '' && permission === 'default' && (
          <button
            type="button"
            className="pill"
            onClick={() => void Notification.requestPermission().then(setPermission)}
          >
            Allow notifications
          </button>
        )}
        {reminder !== '' && permission === 'denied' && (
          <p className="field__hint muted">
            Notifications are blocked: the reminder shows in the app while it is open.
          </p>
        )}
      </div>
    </>
  );
}
