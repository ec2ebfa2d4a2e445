// A flow's published versions, the live one first, with rollback to an earlier one (editors).
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Badge, Button, Modal, Spinner, useToast } from '../components/ui.tsx';
import { useWs } from '../session.tsx';

export function HistoryDialog({
  open,
  onOpenChange,
  flowId,
  editable,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  flowId: string;
  editable: boolean;
}) {
  const ws = useWs();
  const toast = useToast();
  const [versions, setVersions] = useState<
    { id: string; version: number; changelog: string; publishedAt: string }[] | null
  >(null);
  useEffect(() => {
    if (open)
      api.get<{ items: NonNullable<typeof versions> }>(`${ws}/flows/${flowId}/versions`).then(
        (r) => setVersions(r.items),
        () => setVersions([]),
      );
  }, [open, ws, flowId]);
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Version history">
      {!versions ? (
        <Spinner />
      ) : versions.length === 0 ? (
        <p className="text-sm text-muted">Not published yet.</p>
      ) : (
        <ul className="max-h-80 space-y-2 overflow-y-auto">
          {versions.map((v, i) => (
            <li
              key={v.id}
              className="flex items-center justify-between gap-2 rounded-md border border-line p-2 text-sm"
            >
              <div>
                <div className="font-medium">
                  Version {v.version} {i === 0 ? <Badge tone="good">live</Badge> : null}
                </div>
                <div className="text-xs text-muted">
                  {v.changelog || 'No note'} · {new Date(v.publishedAt).toLocaleString()}
                </div>
              </div>
              {editable && i > 0 ? (
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() =>
                    api
                      .post<{ version: number }>(`${ws}/flows/${flowId}/rollback`, {
                        version: v.version,
                      })
                      .then((r) => {
                        toast(
                          'good',
                          `Version ${v.version} is live again (as version ${r.version}).`,
                        );
                        onOpenChange(false);
                      })
                      .catch((err: unknown) =>
                        toast('bad', err instanceof ApiError ? err.message : 'Rollback failed.'),
                      )
                  }
                >
                  Roll back to this
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
