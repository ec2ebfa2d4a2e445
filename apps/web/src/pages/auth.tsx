// First run (create the owner and the workspace), sign-in, and accepting an invite. The invite
// page cannot know whether the email already has an account (the API does not say, so a link
// does not reveal who has one): it asks for a name and a password, and an existing account's
// password joins that account.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api.ts';
import { Button, Card, Field, Input } from '../components/ui.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { PASSWORD_HELP } from './account.tsx';

function AuthCard({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-md p-7">
        <div className="mb-6">
          <div className="mb-4 text-xl font-bold text-brand">waflow</div>
          <h1 className="text-2xl font-semibold">{title}</h1>
          <p className="mt-1 text-sm text-muted">{subtitle}</p>
        </div>
        {children}
      </Card>
    </div>
  );
}

function useSubmit(fn: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(
        err instanceof ApiError
          ? err.message
          : 'Could not reach the server: check that waflow is running.',
      );
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, onSubmit };
}

export function SetupPage() {
  const { signedIn } = useSession();
  const [form, setForm] = useState({ name: '', email: '', password: '', workspaceName: '' });
  const { error, busy, onSubmit } = useSubmit(async () => {
    const r = await api.post<{ accessToken: string }>('/setup', form);
    await signedIn(r.accessToken);
    navigate('/overview');
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <AuthCard
      title="Welcome to waflow"
      subtitle="Create the owner account and your workspace. You can invite your team afterwards."
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <Field label="Your name" htmlFor="name">
          <Input id="name" value={form.name} onChange={set('name')} autoFocus required />
        </Field>
        <Field label="Email" htmlFor="email">
          <Input id="email" type="email" value={form.email} onChange={set('email')} required />
        </Field>
        <Field label="Password" htmlFor="password" help={PASSWORD_HELP}>
          <Input
            id="password"
            type="password"
            value={form.password}
            onChange={set('password')}
            minLength={10}
            required
          />
        </Field>
        <Field
          label="Workspace name"
          htmlFor="workspace"
          help="Your company or team, e.g. Acme Support."
        >
          <Input
            id="workspace"
            value={form.workspaceName}
            onChange={set('workspaceName')}
            required
          />
        </Field>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? 'Creating…' : 'Create workspace'}
        </Button>
      </form>
    </AuthCard>
  );
}

export function SignInPage() {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, onSubmit } = useSubmit(async () => {
    const r = await api.post<{ accessToken: string }>('/auth/login', { email, password });
    await signedIn(r.accessToken);
    navigate('/overview');
  });
  return (
    <AuthCard title="Sign in" subtitle="Build and run your WhatsApp bots.">
      <form onSubmit={onSubmit} className="space-y-4">
        <Field label="Email" htmlFor="email">
          <Input
            id="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
            required
          />
        </Field>
        <Field label="Password" htmlFor="password">
          <Input
            id="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthCard>
  );
}

export function AcceptInvitePage({ token }: { token: string }) {
  const { signedIn, setWorkspaceId } = useSession();
  const [invite, setInvite] = useState<{
    workspaceName: string;
    email: string;
    role: string;
  } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  useEffect(() => {
    api
      .get<typeof invite>(`/invites/${token}`)
      .then(setInvite, (err: unknown) =>
        setLoadError(err instanceof ApiError ? err.message : 'Could not load the invite.'),
      );
  }, [token]);
  const { error, busy, onSubmit } = useSubmit(async () => {
    const r = await api.post<{ accessToken: string; workspaces: { id: string }[] }>(
      `/invites/${token}/accept`,
      name.trim() ? { name, password } : { password },
    );
    // Workspaces come in the order one joined them: the last is the one this invite opened,
    // where the person lands even when this browser was in another of theirs.
    const joined = r.workspaces.at(-1);
    if (joined) setWorkspaceId(joined.id);
    await signedIn(r.accessToken);
    navigate('/overview');
  });
  if (loadError)
    return (
      <AuthCard title="This invite cannot be used" subtitle={loadError}>
        <Button onClick={() => navigate('/sign-in')}>Go to sign in</Button>
      </AuthCard>
    );
  if (!invite) return null;
  return (
    <AuthCard
      title={`Join ${invite.workspaceName}`}
      subtitle={`You were invited as ${invite.role} (${invite.email}).`}
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <Field
          label="Your name"
          htmlFor="name"
          help="Already use waflow with this email? Leave it empty."
        >
          <Input
            id="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="name"
          />
        </Field>
        <Field
          label="Password"
          htmlFor="password"
          help={`New to waflow: choose one. ${PASSWORD_HELP} Already have an account: its password.`}
        >
          <Input
            id="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={busy}>
          Join workspace
        </Button>
      </form>
    </AuthCard>
  );
}
