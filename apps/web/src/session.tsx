// Who is signed in and in which workspace, with their role there. Restored on load through the
// refresh cookie; the role decides which edit controls the pages show. The current workspace is
// this browser's choice (localStorage, so it survives a reload); one the person is no longer a
// member of falls back to their first. Every page reads it through useWs(), and the shell
// remounts the page when it changes, so nothing of the previous workspace stays on screen.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { api, ApiError, request, setAccessToken } from './api.ts';

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export interface Workspace {
  id: string;
  name: string;
  role: Role;
}
export interface Profile {
  user: { id: string; email: string; name: string };
  workspaces: Workspace[];
}
interface SessionValue {
  profile: Profile | null;
  loading: boolean;
  workspace: Workspace | null;
  setWorkspaceId: (id: string) => void;
  /** Reads the profile again: a workspace created or renamed shows in the switcher. */
  reloadProfile: () => Promise<void>;
  signedIn: (accessToken: string) => Promise<void>;
  signOut: () => Promise<void>;
  can: (least: Role) => boolean;
}

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };
const WS_KEY = 'waflow:ws';
const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [loading, setLoading] = useState(true);
  const [wsId, setWsId] = useState<string | null>(() => localStorage.getItem(WS_KEY));

  const loadProfile = useCallback(async () => setProfile(await api.get<Profile>('/me')), []);

  useEffect(() => {
    // A page load: the refresh cookie, if any, gives a new access token.
    void (async () => {
      try {
        const r = await request<{ accessToken: string }>('POST', '/auth/refresh', {});
        setAccessToken(r.data.accessToken);
        await loadProfile();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      } finally {
        setLoading(false);
      }
    })();
  }, [loadProfile]);

  const value = useMemo<SessionValue>(() => {
    const workspace =
      profile?.workspaces.find((w) => w.id === wsId) ?? profile?.workspaces[0] ?? null;
    return {
      profile,
      loading,
      workspace,
      setWorkspaceId: (id) => {
        localStorage.setItem(WS_KEY, id);
        setWsId(id);
      },
      reloadProfile: loadProfile,
      signedIn: async (token) => {
        setAccessToken(token);
        await loadProfile();
      },
      signOut: async () => {
        await api.post('/auth/logout').catch(() => undefined);
        setAccessToken(null);
        setProfile(null);
      },
      can: (least) => !!workspace && rank[workspace.role] >= rank[least],
    };
  }, [profile, loading, wsId, loadProfile]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The current workspace's API path prefix. */
export function useWs(): string {
  const { workspace } = useSession();
  return `/workspaces/${workspace?.id ?? ''}`;
}
