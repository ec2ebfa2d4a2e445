// Settings: one tab per part — the workspace, the team, your account, and for admins the API keys,
// webhook endpoints with their delivery log, and the audit log. Viewers see no edit controls.
import { useState } from 'react';
import { cx } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import { Page } from '../../shell.tsx';
import { AccountSettings } from '../account.tsx';
import { Audit } from './audit-tab.tsx';
import { Keys } from './keys-tab.tsx';
import { Team } from './team-tab.tsx';
import { Webhooks } from './webhooks-tab.tsx';
import { WorkspaceSettings } from './workspace-tab.tsx';

type Tab = 'workspace' | 'team' | 'account' | 'keys' | 'webhooks' | 'audit';

export function SettingsPage() {
  const { can } = useSession();
  const [tab, setTab] = useState<Tab>('workspace');
  const tabs: [Tab, string][] = [
    ['workspace', 'Workspace'],
    ['team', 'Team'],
    ['account', 'Account'],
    ...(can('admin')
      ? ([
          ['keys', 'API keys'],
          ['webhooks', 'Webhooks'],
          ['audit', 'Audit log'],
        ] as [Tab, string][])
      : []),
  ];
  return (
    <Page title="Settings">
      <div className="mb-4 flex gap-1 border-b border-line" role="tablist">
        {tabs.map(([t, l]) => (
          <button
            key={t}
            role="tab"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
            className={cx(
              'px-3 py-2 text-sm',
              tab === t ? 'border-b-2 border-brand font-medium' : 'text-muted',
            )}
          >
            {l}
          </button>
        ))}
      </div>
      {tab === 'workspace' ? (
        <WorkspaceSettings />
      ) : tab === 'team' ? (
        <Team />
      ) : tab === 'account' ? (
        <AccountSettings />
      ) : tab === 'keys' ? (
        <Keys />
      ) : tab === 'webhooks' ? (
        <Webhooks />
      ) : (
        <Audit />
      )}
    </Page>
  );
}
