import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api.ts';
import { Spinner, ToastProvider } from './components/ui.tsx';
import { Builder } from './builder/builder.tsx';
import { AcceptInvitePage, SetupPage, SignInPage } from './pages/auth.tsx';
import { ConversationsPage } from './pages/conversations.tsx';
import { FlowsPage } from './pages/flows.tsx';
import { NumbersPage } from './pages/numbers.tsx';
import { OverviewPage } from './pages/overview/overview-page.tsx';
import { ResultsPage } from './pages/results.tsx';
import { ContactsPage } from './pages/contacts/contacts.tsx';
import { CampaignsPage } from './pages/campaigns/campaigns-page.tsx';
import { SettingsPage } from './pages/settings/settings-page.tsx';
import { match, navigate, usePath } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';
import { Shell } from './shell.tsx';
import './index.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

function Routes() {
  const path = usePath();
  const { profile, loading } = useSession();
  const [needsSetup, setNeedsSetup] = useState<boolean | null>(null);
  useEffect(() => {
    api.get<{ needsSetup: boolean }>('/setup').then(
      (r) => setNeedsSetup(r.needsSetup),
      () => setNeedsSetup(false),
    );
  }, [profile]);

  if (loading || needsSetup === null) return <Spinner />;
  const invite = match('/invite/:token', path);
  if (invite) return <AcceptInvitePage token={invite.token ?? ''} />;
  if (needsSetup) return <SetupPage />;
  if (!profile) {
    if (path !== '/sign-in') queueMicrotask(() => navigate('/sign-in'));
    return <SignInPage />;
  }
  const flow = match('/flows/:id', path);
  if (flow)
    return (
      <Shell>
        <Builder flowId={flow.id ?? ''} />
      </Shell>
    );
  const page = path.startsWith('/overview') ? (
    <OverviewPage />
  ) : path.startsWith('/numbers') ? (
    <NumbersPage />
  ) : path.startsWith('/conversations') ? (
    <ConversationsPage />
  ) : path.startsWith('/results') ? (
    <ResultsPage />
  ) : path.startsWith('/contacts') ? (
    <ContactsPage />
  ) : path.startsWith('/campaigns') ? (
    <CampaignsPage />
  ) : path.startsWith('/settings') ? (
    <SettingsPage />
  ) : (
    <FlowsPage />
  );
  if (path === '/' || path === '/sign-in' || path === '/setup')
    queueMicrotask(() => navigate('/overview'));
  return <Shell>{page}</Shell>;
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <SessionProvider>
          <Routes />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
