import type { ReactNode, Ref } from 'react';
import { Icon } from '../ui/Icon';

interface HeaderProps {
  search: string;
  onSearch: (value: string) => void;
  searchRef: Ref<HTMLInputElement>;
  sync: ReactNode;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  onOpenSettings: () => void;
  onOpenHelp: () => void;
}

export function Header({
  search,
  onSearch,
  searchRef,
  sync,
  sidebarOpen,
  onToggleSidebar,
  onOpenSettings,
  onOpenHelp,
}: HeaderProps) {
  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-button topbar__menu"
        aria-label="Show lists"
        aria-expanded={sidebarOpen}
        onClick={onToggleSidebar}
      >
        <Icon d="M4 6h16M4 12h16M4 18h16" size={20} />
      </button>
      <a className="brand" href="#/all" aria-label="TaskMaster home">
        <img src="/icons/favicon-32.png" width="24" height="24" alt="" />
        <span>TaskMaster</span>
      </a>
      <div className="search" role="search">
        <Icon d="M11 4a7 7 0 100 14 7 7 0 000-14zM20 20l-4-4" size={16} />
        <input
          ref={searchRef}
          type="search"
          aria-label="Search tasks"
          placeholder="Search"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              onSearch('');
              event.currentTarget.blur();
            }
          }}
        />
      </div>
      {sync}
      <button
        type="button"
        className="icon-button topbar__help"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={onOpenHelp}
      >
        <Icon d="M3 7h18v10H3zM7 11h1M11 11h1M15 11h1M7 14h10" size={20} />
      </button>
      <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={onOpenSettings}>
        <Icon
          d="M12 9a3 3 0 100 6 3 3 0 000-6zM19 12l2-1-2-4-2 1-2-1V5h-4v2L9 8 7 7 5 11l2 1v0l-2 1 2 4 2-1 2 1v2h4v-2l2-1 2 1 2-4z"
          size={20}
        />
      </button>
    </header>
  );
}
