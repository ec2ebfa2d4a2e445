// Settings → Audit log: who did what, newest first.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { Card, Spinner } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';

export function Audit() {
  const ws = useWs();
  const audit = useQuery({
    queryKey: [ws, 'audit'],
    queryFn: () =>
      api.get<{
        items: {
          id: string;
          at: string;
          action: string;
          entityType: string;
          entityId: string | null;
          actor: { name: string } | null;
        }[];
      }>(`${ws}/audit?limit=100`),
  });
  return audit.isLoading ? (
    <Spinner />
  ) : (
    <Card>
      <table className="w-full text-sm">
        <tbody>
          {audit.data?.items.map((a) => (
            <tr key={a.id} className="border-b border-line last:border-0">
              <td className="px-3 py-2 text-muted">{new Date(a.at).toLocaleString()}</td>
              <td className="px-3 py-2">{a.actor?.name ?? 'API key'}</td>
              <td className="px-3 py-2 font-mono text-xs">{a.action}</td>
              <td className="px-3 py-2 text-xs text-muted">
                {a.entityType} {a.entityId?.slice(0, 8)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
