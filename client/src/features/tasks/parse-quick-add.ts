import { FIELD_LIMITS, TASK_PRIORITIES, type TaskPriority } from '@taskmaster/shared-schema';

export interface ParsedQuickAdd {
  title: string;
  tags: string[];
  priority?: TaskPriority;
}

const PRIORITY_ALIASES: Record<string, TaskPriority> = { '1': 'urgent', '2': 'high', '3': 'medium', '4': 'low' };

/**
 * Quick-add shorthand: `#tag` adds a tag and `!high` (or `!1`..`!4`) sets the priority; the rest is
 * the title. A line that is only shorthand keeps the shorthand as its title rather than adding nothing.
 */
export function parseQuickAdd(input: string): ParsedQuickAdd {
  const tags: string[] = [];
  let priority: TaskPriority | undefined;
  const words: string[] = [];
  for (const word of input.trim().split(/\s+/).filter(Boolean)) {
    const tag = /^#([^\s#]{1,40})$/u.exec(word)?.[1];
    const bang = /^!(\w+)$/.exec(word)?.[1]?.toLowerCase();
    const named = bang ? (PRIORITY_ALIASES[bang] ?? TASK_PRIORITIES.find((p) => p === bang)) : undefined;
    if (tag && tags.length < FIELD_LIMITS.tagCount) {
      if (!tags.includes(tag)) tags.push(tag);
    } else if (named) {
      priority = named;
    } else {
      words.push(word);
    }
  }
  const title = (words.length > 0 ? words.join(' ') : input.trim()).slice(0, FIELD_LIMITS.titleLength);
  return priority ? { title, tags, priority } : { title, tags };
}
