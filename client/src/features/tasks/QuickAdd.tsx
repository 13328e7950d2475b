import { useState, type FormEvent, type Ref } from 'react';
import { parseQuickAdd, type ParsedQuickAdd } from './parse-quick-add';

interface QuickAddProps {
  onAdd: (parsed: ParsedQuickAdd) => Promise<unknown> | void;
  inputRef?: Ref<HTMLInputElement>;
  placeholder?: string;
}

/** The "New task" box: type a title and press Enter. Supports `#tag` and `!priority` shorthand. */
export function QuickAdd({ onAdd, inputRef, placeholder = 'Add a task — #tag !high — press Enter' }: QuickAddProps) {
  const [value, setValue] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() === '') return;
    const parsed = parseQuickAdd(value);
    setValue('');
    void onAdd(parsed);
  };

  return (
    <form className="quick-add" onSubmit={submit} aria-label="Add a task">
      <span className="quick-add__plus" aria-hidden="true">
        +
      </span>
      <input
        ref={inputRef}
        type="text"
        aria-label="New task"
        placeholder={placeholder}
        value={value}
        maxLength={500}
        autoComplete="off"
        enterKeyHint="done"
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') event.currentTarget.blur();
        }}
      />
    </form>
  );
}
