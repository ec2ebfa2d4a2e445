// What every settings tab does with an action: run it, toast the outcome, refresh the workspace's queries.
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api.ts';
import { useToast } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';

export function useAct() {
  const toast = useToast();
  const qc = useQueryClient();
  const ws = useWs();
  return async <T>(fn: () => Promise<T>, ok?: string): Promise<T | undefined> => {
    try {
      const r = await fn();
      if (ok) toast('good', ok);
      void qc.invalidateQueries({ queryKey: [ws] });
      return r;
    } catch (e) {
      toast('bad', e instanceof ApiError ? e.message : 'That did not work.');
      return undefined;
    }
  };
}
