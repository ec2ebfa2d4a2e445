// Settings → Team: an owner or admin sets a new password for a member who forgot theirs, then
// tells them; the member is signed out everywhere. The API refuses it for someone above your role
// or in a workspace you do not manage, and says so.
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Button, Field, Input, Modal, useToast } from '../components/ui.tsx';
import { useWs } from '../session.tsx';
import { PASSWORD_HELP } from './account.tsx';

export function ResetPasswordButton({ member }: { member: { userId: string; name: string } }) {
  const ws = useWs();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = (o: boolean) => {
    setOpen(o);
    setPassword('');
    setError(null);
  };
  const submit = async () => {
    try {
      await api.post(`${ws}/members/${member.userId}/password`, { password });
      close(false);
      toast(
        'good',
        `${member.name}’s password was set and they were signed out everywhere. Tell them the new one.`,
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not reach the server.');
    }
  };
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
        Reset password
      </Button>
      <Modal open={open} onOpenChange={close} title={`Reset ${member.name}’s password`}>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label="New password" htmlFor="reset-password" help={PASSWORD_HELP}>
            <Input
              id="reset-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              minLength={10}
              required
              autoFocus
            />
          </Field>
          {error ? (
            <p role="alert" className="text-sm text-danger">
              {error}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit">Set password</Button>
          </div>
        </form>
      </Modal>
    </>
  );
}
