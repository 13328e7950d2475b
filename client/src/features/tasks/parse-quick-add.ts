import { FIELD_LIMITS, TASK_PRIORITIES, type TaskPriority } from '@taskmaster/shared-schema';

/** What a chip of the quick-add preview stands for. */
export type ChipKind = 'date' | 'time' | 'repeat' | 'priority' | 'tag' | 'list';

/** One understood part of the typed line, shown as a chip in the preview. */
export interface QuickAddChip {
  kind: ChipKind;
  /** The typed text the chip came from (removing the chip leaves it in the title). */
  text: string;
  /** What the chip shows, e.g. "Fri 15 Apr", "Every Monday", "High". */
  label: string;
  /** Stable identity of the chip for this text: `kind:text` lower-cased. */
  key: string;
  /** Where `text` sits in the typed line, [start, end). */
  start: number;
  end: number;
}

export interface ParsedQuickAdd {
  kind: 'task';
  title: string;
  tags: string[];
  priority?: TaskPriority;
  /** The list named by `@list` / `+list` (only names of existing lists are understood). */
  listId?: string;
  /** `YYYY-MM-DD` in the user's time zone. */
  dueDate?: string;
  /** `HH:MM`, wall-clock time in the user's time zone. */
  dueTime?: string;
  /** An RRULE without DTSTART, e.g. `FREQ=WEEKLY;BYDAY=MO` (the due date is the first occurrence). */
  repeat?: string;
  chips: QuickAddChip[];
}

/** A line with nothing left for a title: refused, with a hint for the user. */
export interface RefusedQuickAdd {
  kind: 'refused';
  hint: string;
  chips: QuickAddChip[];
}

export type QuickAddResult = ParsedQuickAdd | RefusedQuickAdd;

export interface ShorthandOptions {
  /** Chip keys the user removed from the preview: their text stays in the title. */
  keep?: ReadonlySet<string>;
  /** The user's lists, for `@list` / `+list`. */
  lists?: readonly { id: string; name: string }[];
}

const PRIORITY_ALIASES: Record<string, TaskPriority> = { '1': 'urgent', '2': 'high', '3': 'medium', '4': 'low' };
export const PRIORITY_CHIP_LABEL: Record<TaskPriority, string> = {
  none: 'No priority',
  low: 'Low priority',
  medium: 'Medium priority',
  high: 'High priority',
  urgent: 'Urgent priority',
};

export const chipKey = (kind: ChipKind, text: string): string => `${kind}:${text.toLowerCase()}`;

function priorityOf(word: string): TaskPriority | undefined {
  const bang = /^!(\w+)$/.exec(word)?.[1]?.toLowerCase();
  if (bang) return PRIORITY_ALIASES[bang] ?? TASK_PRIORITIES.find((p) => p === bang && p !== 'none');
  const p = /^p([1-4])$/i.exec(word)?.[1];
  return p ? PRIORITY_ALIASES[p] : undefined;
}

const listKey = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '-');

export interface Shorthand {
  tags: string[];
  priority?: TaskPriority;
  listId?: string;
  chips: QuickAddChip[];
}

/**
 * The word-level shorthand: `#tag`, `!high` / `!1`..`!4` / `p1`..`p4`, `@list` / `+list`. A number-only
 * `#142` is not a tag (it is an issue or house number) and stays in the title, as does an unknown
 * `!word` or an `@name` that names no list.
 */
export function parseShorthand(input: string, options: ShorthandOptions = {}): Shorthand {
  const keep = options.keep ?? new Set<string>();
  const lists = new Map((options.lists ?? []).map((l) => [listKey(l.name), l]));
  const result: Shorthand = { tags: [], chips: [] };
  for (const match of input.matchAll(/\S+/g)) {
    const word = match[0];
    const start = match.index;
    const chip = (kind: ChipKind, label: string): boolean => {
      const key = chipKey(kind, word);
      if (keep.has(key)) return false;
      result.chips.push({ kind, text: word, label, key, start, end: start + word.length });
      return true;
    };
    const tag = /^#([^\s#]{1,40})$/u.exec(word)?.[1];
    const priority = priorityOf(word);
    const list = /^[@+]([^\s@+]{1,100})$/u.exec(word)?.[1];
    const knownList = list ? lists.get(listKey(list)) : undefined;
    if (tag && !/^\d+$/.test(tag) && (result.tags.length < FIELD_LIMITS.tagCount || result.tags.includes(tag))) {
      if (chip('tag', `#${tag}`) && !result.tags.includes(tag)) result.tags.push(tag);
    } else if (priority) {
      if (chip('priority', PRIORITY_CHIP_LABEL[priority])) result.priority = priority;
    } else if (knownList && result.listId === undefined) {
      if (chip('list', knownList.name)) result.listId = knownList.id;
    }
  }
  return result;
}

/** The typed line without the chips' text, whitespace collapsed: the task's title. */
export function titleWithout(input: string, chips: readonly QuickAddChip[]): string {
  let title = '';
  let at = 0;
  for (const chip of [...chips].sort((a, b) => a.start - b.start)) {
    if (chip.start < at) continue;
    title += `${input.slice(at, chip.start)} `;
    at = chip.end;
  }
  title += input.slice(at);
  return title.replace(/\s+/g, ' ').trim().slice(0, FIELD_LIMITS.titleLength);
}

/** The refusal for a line that is only shorthand: it names what was understood. */
export function refuse(chips: QuickAddChip[]): RefusedQuickAdd {
  const understood = chips.map((c) => `“${c.text}”`).join(', ');
  return {
    kind: 'refused',
    hint: `Add a title: ${understood} only set${chips.length === 1 ? 's' : ''} details. To use it as the title, remove its chip.`,
    chips,
  };
}

/**
 * The quick-add parser without dates: shorthand only. Used when the natural-language parser (a lazy
 * chunk) is not available. A line that is only shorthand is refused with a hint, rather than adding a
 * task titled "!high".
 */
export function parseQuickAdd(input: string, options: ShorthandOptions = {}): QuickAddResult {
  const shorthand = parseShorthand(input, options);
  const title = titleWithout(input, shorthand.chips);
  if (title === '') return refuse(shorthand.chips);
  const { chips, ...fields } = shorthand;
  return { kind: 'task', title, ...fields, chips };
}
