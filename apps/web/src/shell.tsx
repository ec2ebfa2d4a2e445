// The signed-in frame: navigation, workspace switcher, theme, sign-out.
import { useState, type ReactNode } from 'react';
import { Button, cx } from './components/ui.tsx';
import { Link, navigate, usePath } from './router.tsx';
import { useSession } from './session.tsx';
import { LiveInbox, useLiveInbox } from './inbox/live-inbox.tsx';
import { WorkspaceSwitcher } from './workspaces/workspace-switcher.tsx';

const NAV = [
  { to: '/overview', label: 'Overview' },
  { to: '/flows', label: 'Flows' },
  { to: '/numbers', label: 'Numbers' },
  { to: '/conversations', label: 'Conversations' },
  { to: '/contacts', label: 'Contacts' },
  { to: '/results', label: 'Results' },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/settings', label: 'Settings' },
];

export function Shell({ children }: { children: ReactNode }) {
  return (
    <LiveInbox>
      <Frame>{children}</Frame>
    </LiveInbox>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const live = useLiveInbox();
  const { workspace, signOut } = useSession();
  const path = usePath();
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'));
  const toggleTheme = () => {
    const next = !dark;
    document.documentElement.classList.toggle('dark', next);
    localStorage.setItem('waflow:theme', next ? 'dark' : 'light');
    setDark(next);
  };
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex min-h-14 flex-wrap items-center gap-x-4 gap-y-1 border-b border-line bg-panel px-4 py-2">
        <Link to="/overview" className="text-lg font-bold text-brand">
          waflow
        </Link>
        <nav
          className="order-last flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto"
          aria-label="Main"
        >
          {NAV.map((n) => (
            <Link
              key={n.to}
              to={n.to}
              className={cx(
                'rounded-md px-3 py-1.5 text-sm whitespace-nowrap',
                path.startsWith(n.to) ? 'bg-line font-medium' : 'text-muted hover:text-fg',
              )}
              aria-current={path.startsWith(n.to) ? 'page' : undefined}
            >
              {n.label}
              {n.to === '/conversations' && live.unread?.conversations ? (
                <span
                  className="ml-1.5 rounded-full bg-brand px-1.5 text-xs font-semibold text-white"
                  data-testid="nav-unread"
                  aria-label={`${live.unread.conversations} unread`}
                >
                  {live.unread.conversations}
                </span>
              ) : null}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <WorkspaceSwitcher />
          <Button
            variant="ghost"
            size="sm"
            onClick={toggleTheme}
            aria-label={dark ? 'Light mode' : 'Dark mode'}
          >
            {dark ? '☀' : '☾'}
          </Button>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => void signOut().then(() => navigate('/sign-in'))}
          >
            Sign out
          </Button>
        </div>
      </header>
      {/* A new workspace remounts the page: no state of the previous one survives (workspace-switcher.tsx). */}
      <main key={workspace?.id} className="flex-1">
        {children}
      </main>
    </div>
  );
}

export function Page({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-6xl p-4 sm:p-6">
      <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{title}</h1>
        {actions}
      </div>
      {children}
    </div>
  );
}
