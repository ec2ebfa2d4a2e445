// A "Download CSV" button for an API path, with the failure told in a toast.
import { download } from '../api.ts';
import { Button, useToast } from './ui.tsx';

export function CsvButton({ path, name }: { path: string; name: string }) {
  const toast = useToast();
  return (
    <Button
      variant="secondary"
      onClick={() =>
        void download(path, `waflow-${name}-${new Date().toISOString().slice(0, 10)}.csv`).catch(
          (e: unknown) => toast('bad', e instanceof Error ? e.message : 'Download failed.'),
        )
      }
    >
      Download CSV
    </Button>
  );
}
