// The workspace's members, read once per workspace and shared by the pages that name them (the
// team settings, the inbox's assignment, the handoff block's "Assign to").
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import { useWs } from './session.tsx';

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: string;
}

export function useMembers() {
  const ws = useWs();
  return useQuery({
    queryKey: [ws, 'members'],
    queryFn: () => api.get<{ items: Member[] }>(`${ws}/members`),
  });
}
