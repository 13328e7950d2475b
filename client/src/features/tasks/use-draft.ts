import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A text field's local draft of a synced value: follows remote changes while the field is not being
 * edited, and is committed (only if changed) when editing ends, so each edit is one field write.
 * `dirty` is true while typed text has not been handed to `commit` yet.
 */
export function useDraft(value: string, commit: (next: string) => void) {
  const [draft, setDraft] = useState(value);
  const [dirty, setDirty] = useState(false);
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setDraft(value);
  }, [value]);
  return {
    value: draft,
    dirty,
    onChange: (next: string) => {
      editing.current = true;
      setDraft(next);
      setDirty(next !== value);
    },
    onFocus: () => {
      editing.current = true;
    },
    onBlur: () => {
      editing.current = false;
      setDirty(false);
      if (draft !== value) commit(draft);
    },
    reset: () => {
      editing.current = false;
      setDirty(false);
      setDraft(value);
    },
  };
}

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed';

/**
 * Whether the edits handed to `track` are stored: `saving` while any write is in flight, then
 * `saved` only once every one has committed to the local database (the write's promise resolved
 * to true), or `failed` if any of them did not.
 */
export function useSaveStatus() {
  const [status, setStatus] = useState<SaveStatus>('idle');
  const inFlight = useRef(0);
  const failed = useRef(false);
  const track = useCallback((write: Promise<boolean>) => {
    inFlight.current += 1;
    setStatus('saving');
    const settle = (ok: boolean) => {
      if (!ok) failed.current = true;
      inFlight.current -= 1;
      if (inFlight.current > 0) return;
      setStatus(failed.current ? 'failed' : 'saved');
      failed.current = false;
    };
    write.then(settle, () => settle(false));
  }, []);
  return { status, track };
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
