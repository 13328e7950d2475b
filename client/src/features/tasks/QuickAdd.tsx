import { lazy, Suspense, useId, useMemo, useRef, useState, type FormEvent, type Ref } from 'react';
import type { NaturalParser } from './parse-natural';
import { parseQuickAdd, type ParsedQuickAdd, type QuickAddChip, type QuickAddResult } from './parse-quick-add';

interface QuickAddProps {
  /** Resolves once the task is committed to the local database; rejects if it could not be stored. */
  onAdd: (parsed: ParsedQuickAdd) => Promise<unknown>;
  inputRef?: Ref<HTMLInputElement>;
  placeholder?: string;
  /** The user's lists, for `@list` / `+list`. */
  lists?: readonly { id: string; name: string }[];
}

// The date parser (chrono-node) and the preview are not on the critical path: they load on the
// box's first focus or keystroke.
const QuickAddPreview = lazy(() => import('./QuickAddPreview').then((m) => ({ default: m.QuickAddPreview })));
let parserLoad: Promise<NaturalParser> | undefined;
function loadParser(): Promise<NaturalParser> {
  parserLoad ??= import('./parse-natural').then((m) => m.loadNaturalParser());
  parserLoad.catch(() => (parserLoad = undefined)); // offline before it was cached: retry on next focus
  return parserLoad;
}
/** Words that may be a date, time or repeat: only then is Enter worth waiting for the date parser. */
const MAY_HAVE_DATE =
  /\d|today|tonight|tomorrow|next|every|daily|weekly|monthly|yearly|annually|week|month|noon|midnight|\b(?:in|at|on)\s|\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
const PARSER_WAIT_MS = 2000;
/** English lines without date words need no date parser; other languages have their own words. */
const english = () => typeof navigator === 'undefined' || !navigator.language || navigator.language.startsWith('en');

/** The text whose save is in flight, kept across a reload of this tab (sessionStorage is synchronous). */
const IN_FLIGHT_KEY = 'taskmaster:quick-add-unsaved';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the text then only lives in the box
  }
}

/**
 * The "New task" box: type a title and press Enter. It understands dates, times and repeats
 * ("tomorrow at 3pm", "every Monday"), `!priority` / `p1`, `#tag` and `@list`, and shows what it
 * understood as removable chips under the box. Enter before the date parser has loaded waits for it
 * briefly when the line may hold a date, and otherwise (or if it cannot load) uses the shorthand parser.
 *
 * The box empties only once the task is committed to IndexedDB, never before: a reload right after
 * the box cleared then always finds the task. Until then the text stays in the box, and also in
 * sessionStorage, so a reload while the write is still in flight (the first write after a page load
 * waits for the write path's lazy chunk) brings the text back instead of dropping it. A failed write
 * leaves the text in the box with the reason.
 */
export function QuickAdd({
  onAdd,
  inputRef,
  lists,
  placeholder = 'Add a task — tomorrow 3pm, every Monday, #tag, !high, @list',
}: QuickAddProps) {
  const [value, setValue] = useState(() => storage()?.getItem(IN_FLIGHT_KEY) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [parser, setParser] = useState<NaturalParser | null>(null);
  // Chips the user removed from the preview: their text stays in the title.
  const [keep, setKeep] = useState<ReadonlySet<string>>(() => new Set());
  // Enter on a line that is only shorthand ("!high"): the hint why nothing was added.
  const [refused, setRefused] = useState<string | null>(null);
  // Texts being saved: a second Enter on the same text (key repeat, impatience) adds nothing.
  const saving = useRef(new Set<string>());
  const errorId = useId();
  const previewId = useId();
  const latest = useRef(value);
  latest.current = value;

  const warm = () => {
    // The parser is a function: an updater, or React would call it as one (with the previous state).
    if (!parser)
      loadParser().then(
        (loaded) => setParser(() => loaded),
        () => undefined,
      );
  };
  const parse = (text: string, natural: NaturalParser | null): QuickAddResult => {
    const options = { keep, lists: lists ?? [] };
    return natural ? natural(text, { ...options, now: new Date() }) : parseQuickAdd(text, options);
  };
  const preview = useMemo(
    () => (parser && value.trim() !== '' ? parse(value, parser) : null),
    [parser, value, keep, lists],
  );

  /** The date parser, waited for briefly; null (use the shorthand parser) if it does not come. */
  const awaitParser = (): Promise<NaturalParser | null> => {
    const timeout = new Promise<null>((resolve) => window.setTimeout(() => resolve(null), PARSER_WAIT_MS));
    return Promise.race([loadParser(), timeout]).catch(() => null);
  };

  const save = (submitted: string, result: QuickAddResult) => {
    if (result.kind === 'refused') {
      saving.current.delete(submitted);
      storage()?.removeItem(IN_FLIGHT_KEY);
      setRefused(result.hint);
      return;
    }
    onAdd(result)
      .then(
        () => {
          if (storage()?.getItem(IN_FLIGHT_KEY) === submitted) storage()?.removeItem(IN_FLIGHT_KEY);
          // Typing may have gone on during the write: clear only what was saved.
          setValue((current) => (current === submitted ? '' : current));
          if (latest.current === submitted) setKeep(new Set());
        },
        (cause: unknown) => setError(cause instanceof Error ? cause.message : 'Something went wrong'),
      )
      .finally(() => saving.current.delete(submitted));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const submitted = value;
    if (submitted.trim() === '' || saving.current.has(submitted)) return;
    saving.current.add(submitted);
    setError(null);
    storage()?.setItem(IN_FLIGHT_KEY, submitted);
    if (parser || (!MAY_HAVE_DATE.test(submitted) && english())) {
      save(submitted, parse(submitted, parser));
      return;
    }
    void awaitParser().then((natural) => save(submitted, parse(submitted, natural)));
  };

  const removeChip = (chip: QuickAddChip) => setKeep((current) => new Set([...current, chip.key]));

  return (
    <>
      <form className="quick-add" onSubmit={submit} aria-label="Add a task">
        <span className="quick-add__plus" aria-hidden="true">
          +
        </span>
        <input
          ref={inputRef}
          type="text"
          aria-label="New task"
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : preview ? previewId : undefined}
          placeholder={placeholder}
          value={value}
          maxLength={500}
          autoComplete="off"
          enterKeyHint="done"
          onFocus={warm}
          onChange={(event) => {
            warm();
            setRefused(null);
            setValue(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') event.currentTarget.blur();
          }}
        />
      </form>
      {preview && (
        <div id={previewId}>
          <Suspense fallback={null}>
            <QuickAddPreview result={preview} onRemove={removeChip} insist={refused !== null} />
          </Suspense>
        </div>
      )}
      {refused && !preview && (
        <p className="quick-add__hint" role="alert">
          {refused}
        </p>
      )}
      {error && (
        <p id={errorId} className="quick-add__error" role="alert">
          Not saved: {error}. Press Enter to try again.
        </p>
      )}
    </>
  );
}
