// Campaigns: the list (status, audience, progress), a new campaign, and one campaign's page.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { Badge, Button, Card, Empty, Spinner } from '../../components/ui.tsx';
import { Link, match, navigate, usePath } from '../../router.tsx';
import { useWs } from '../../session.tsx';
import { Page } from '../../shell.tsx';
import { CampaignView } from './campaign-view.tsx';
import { NewCampaign } from './new-campaign.tsx';
import { progressOf, type Campaign } from './campaign-types.ts';

export function CampaignsPage() {
  const path = usePath();
  if (path === '/campaigns/new') return <NewCampaign />;
  const one = match('/campaigns/:id', path);
  if (one) return <CampaignView id={one.id ?? ''} />;
  return <CampaignList />;
}

export function StatusBadge({ status }: { status: Campaign['status'] }) {
  const tone =
    status === 'completed'
      ? 'good'
      : status === 'paused' || status === 'cancelled'
        ? 'bad'
        : 'neutral';
  return <Badge tone={tone}>{status}</Badge>;
}

function CampaignList() {
  const ws = useWs();
  const list = useQuery({
    queryKey: [ws, 'campaigns'],
    queryFn: () => api.get<{ items: Campaign[] }>(`${ws}/campaigns`),
    refetchInterval: 3000,
  });
  return (
    <Page
      title="Campaigns"
      actions={<Button onClick={() => navigate('/campaigns/new')}>New campaign</Button>}
    >
      {list.isLoading ? (
        <Spinner />
      ) : !list.data?.items.length ? (
        <Empty title="No campaigns yet">
          A campaign sends one message, or starts a published flow, to the contacts you choose by
          their tags and attributes, paced so your numbers stay safe.
        </Empty>
      ) : (
        <Card>
          <ul className="divide-y divide-line">
            {list.data.items.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
                <Link to={`/campaigns/${c.id}`} className="font-medium hover:underline">
                  {c.name}
                </Link>
                <StatusBadge status={c.status} />
                <span className="text-sm text-muted">{c.audienceText}</span>
                <span className="ml-auto text-sm text-muted">
                  {c.total} recipients · {progressOf(c)}%
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </Page>
  );
}
