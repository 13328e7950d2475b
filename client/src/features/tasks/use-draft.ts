import { useEffect, useRef, useState } from 'react';

/**
 * A text field's local draft of a synced value: follows remote changes while the field is not being
 * edited, and is committed (only if changed) when editing ends, so each edit is one field write.
 */
export function useDraft(value: string, commit: (next: string) => void) {
  const [draft, setDraft] = useState(value);
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setDraft(value);
  }, [value]);
  return {
    value: draft,
    onChange: (next: string) => {
      editing.current = true;
      setDraft(next);
    },
    onFocus: () => {
      editing.current = true;
    },
    onBlur: () => {
      editing.current = false;
      if (draft !== value) commit(draft);
    },
    reset: () => {
      editing.current = false;
      setDraft(value);
    },
  };
}

/** Splits a comma or space separated tag field into unique tags without leading `#`. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,\s]+/)
    .map((t) => t.replace(/^#+/, '').trim())
    .filter((t) => t.length > 0)
    .map((t) => t.slice(0, 40));
  return [...new Set(tags)].slice(0, 20);
}
