import type { ChipKind, QuickAddChip, QuickAddResult } from './parse-quick-add';
import './quick-add-preview.css';

const KIND_LABEL: Record<ChipKind, string> = {
  date: 'Due',
  time: 'At',
  repeat: 'Repeats',
  priority: 'Priority',
  tag: 'Tag',
  list: 'List',
};

interface QuickAddPreviewProps {
  result: QuickAddResult;
  /** The user removed a chip: its text goes back into the title. */
  onRemove: (chip: QuickAddChip) => void;
  /** Set when Enter was pressed on a refused line: the hint is announced. */
  insist?: boolean;
}

/**
 * What the quick-add line will add, live under the box: a chip for each understood part (date, time,
 * repeat, priority, tags, list). Each chip's button "Remove …" puts that text back into the title.
 */
export function QuickAddPreview({ result, onRemove, insist = false }: QuickAddPreviewProps) {
  const hint =
    result.kind === 'refused' ? (
      <p className="quick-add__hint" role={insist ? 'alert' : undefined}>
        {result.hint}
      </p>
    ) : null;
  if (result.chips.length === 0) return hint;
  return (
    <>
      <div className="quick-add__preview" role="group" aria-label="Will be added as">
        {result.chips.map((chip) => (
          <span key={`${chip.key}@${chip.start}`} className={`qa-chip qa-chip--${chip.kind}`}>
            <span className="qa-chip__kind">{KIND_LABEL[chip.kind]}</span>
            <span className="qa-chip__label">
              {chip.kind === 'priority' ? chip.label.replace(/ priority$/, '') : chip.label}
            </span>
            <button
              type="button"
              className="qa-chip__remove"
              aria-label={`Remove ${chip.label}`}
              title={`Keep “${chip.text}” in the title`}
              onClick={() => onRemove(chip)}
            >
              <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true">
                <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
              </svg>
            </button>
          </span>
        ))}
      </div>
      {hint}
    </>
  );
}
