// Your own account (Settings → Account): change your password, which signs your other devices
// out, and sign out of every session at once (a lost laptop, a shared computer).
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { Button, Card, Field, Input, useToast } from '../components/ui.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

export const PASSWORD_HELP =
  'At least 10 characters, and not one of the commonest passwords. A few unrelated words make a strong one.';

export function AccountSettings() {
  const { profile, signOut } = useSession();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const change = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      toast('good', 'Password changed. Your other devices were signed out.');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not reach the server.');
    } finally {
      setBusy(false);
    }
  };
  const everywhere = async () => {
    try {
      await api.post('/auth/logout-all');
    } catch (err) {
      toast('bad', err instanceof ApiError ? err.message : 'Could not reach the server.');
      return;
    }
    await signOut();
    navigate('/sign-in');
  };

  return (
    <div className="max-w-xl space-y-4">
      <Card className="p-4">
        <h2 className="mb-1 font-medium">Change password</h2>
        <p className="mb-4 text-sm text-muted">
          For {profile?.user.email}. Every other device signed in to this account is signed out.
        </p>
        <form className="space-y-4" onSubmit={(e) => void change(e)}>
          <Field label="Current password" htmlFor="current-password">
            <Input
              id="current-password"
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              required
            />
          </Field>
          <Field label="New password" htmlFor="new-password" help={PASSWORD_HELP}>
            <Input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
              minLength={10}
              required
            />
          </Field>
          {error ? (
            <p role="alert" className="text-sm text-danger">
              {error}
            </p>
          ) : null}
          <Button type="submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </Button>
        </form>
      </Card>
      <Card className="p-4">
        <h2 className="mb-1 font-medium">Sign out everywhere</h2>
        <p className="mb-4 text-sm text-muted">
          Ends every session of your account at once, on every device, this one included.
        </p>
        <Button variant="danger" onClick={() => void everywhere()}>
          Sign out everywhere
        </Button>
      </Card>
    </div>
  );
}
