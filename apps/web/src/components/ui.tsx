// The app's building blocks in the shadcn/ui manner (Tailwind classes, Radix where behaviour
// matters: dialogs trap focus and close on Escape). Toasts say what happened and what to do.
import * as Dialog from '@radix-ui/react-dialog';
import {
  createContext,
  useCallback,
  useContext,
  useState,
  type ButtonHTMLAttributes,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

const cx = (...c: (string | false | undefined | null)[]) => c.filter(Boolean).join(' ');

export function Button({
  variant = 'primary',
  size = 'md',
  className,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
  size?: 'sm' | 'md';
}) {
  return (
    <button
      {...rest}
      className={cx(
        'inline-flex items-center justify-center gap-1.5 rounded-md font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand disabled:opacity-50 disabled:pointer-events-none',
        size === 'sm' ? 'h-8 px-2.5 text-sm' : 'h-9 px-3.5 text-sm',
        variant === 'primary' && 'bg-brand text-brand-fg hover:brightness-110',
        variant === 'secondary' && 'border border-line bg-panel hover:bg-bg',
        variant === 'ghost' && 'hover:bg-line/60',
        variant === 'danger' && 'bg-danger text-white hover:brightness-110',
        className,
      )}
    />
  );
}

/** Fields fill their container unless the caller gives them a width (`w-32`): both in one class list, the stylesheet's order would pick, not the caller. */
const fill = (className: string | undefined) => (/(^|\s)w-/.test(className ?? '') ? '' : 'w-full');

export function Input({
  className,
  ...rest
}: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  return (
    <input
      {...rest}
      className={cx(
        'h-9 rounded-md border border-line bg-panel px-3 text-sm outline-none focus:border-brand focus:ring-2 focus:ring-brand/20',
        fill(className),
        className,
      )}
    />
  );
}

export function Textarea({
  className,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  return (
    <textarea
      {...rest}
      className={cx(
        'rounded-md border border-line bg-panel px-3 py-2 text-sm outline-none focus:border-brand focus:ring-2 focus:ring-brand/20',
        fill(className),
        className,
      )}
    />
  );
}

export function Select({ className, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select
      {...rest}
      className={cx(
        'h-9 rounded-md border border-line bg-panel px-2 text-sm outline-none focus:border-brand',
        fill(className),
        className,
      )}
    />
  );
}

export function Field({
  label,
  help,
  error,
  children,
  htmlFor,
}: {
  label: string;
  help?: string | undefined;
  error?: string | undefined;
  children: ReactNode;
  htmlFor?: string;
}) {
  // The control can point at the line under it: aria-describedby={hintId(htmlFor)}.
  const id = htmlFor ? hintId(htmlFor) : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={htmlFor} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={id} className="text-xs text-danger">
          {error}
        </p>
      ) : help ? (
        <p id={id} className="text-xs text-muted">
          {help}
        </p>
      ) : null}
    </div>
  );
}

/** The id of the help or error line a Field shows under the control with id `htmlFor`. */
export const hintId = (htmlFor: string) => `${htmlFor}-hint`;

export function Card({ className, children, ...rest }: HTMLAttributes<HTMLDivElement>) {
  return (
    <div {...rest} className={cx('rounded-lg border border-line bg-panel shadow-sm', className)}>
      {children}
    </div>
  );
}

/** "Show more" under a list read a page at a time (see usePagedList). */
export function ShowMore({
  list,
}: {
  list: { hasMore: boolean; loadingMore: boolean; loadMore: () => void };
}) {
  if (!list.hasMore) return null;
  return (
    <div className="flex justify-center border-t border-line p-2">
      <Button size="sm" variant="ghost" onClick={list.loadMore} disabled={list.loadingMore}>
        {list.loadingMore ? 'Loading…' : 'Show more'}
      </Button>
    </div>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'warn' | 'bad';
  children: ReactNode;
}) {
  return (
    <span
      className={cx(
        'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium',
        tone === 'neutral' && 'bg-line text-fg',
        tone === 'good' && 'bg-green-100 text-green-800 dark:bg-green-900/40 dark:text-green-300',
        tone === 'warn' && 'bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300',
        tone === 'bad' && 'bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300',
      )}
    >
      {children}
    </span>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-line p-10 text-center">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-2 text-sm text-muted">{children}</div> : null}
    </div>
  );
}

export function Spinner() {
  return (
    <div
      role="status"
      aria-label="Loading"
      className="mx-auto my-8 h-6 w-6 animate-spin rounded-full border-2 border-line border-t-brand"
    />
  );
}

export function Modal({
  open,
  onOpenChange,
  title,
  wide = false,
  children,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  title: string;
  /** Wider, for long values such as addresses and tokens. */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-black/40" />
        <Dialog.Content
          className={cx(
            'fixed top-1/2 left-1/2 max-h-[92vh] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg border border-line bg-panel p-5 shadow-xl',
            wide ? 'w-[min(92vw,640px)]' : 'w-[min(92vw,460px)]',
          )}
        >
          <Dialog.Title className="mb-3 text-lg font-semibold">{title}</Dialog.Title>
          <Dialog.Description className="sr-only">{title}</Dialog.Description>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A dialog form's buttons: Cancel closes it, the submit button says what it does (`busyLabel` while busy). */
export function FormActions({
  onCancel,
  label,
  busy = false,
  busyLabel = label,
}: {
  onCancel: () => void;
  label: string;
  busy?: boolean;
  busyLabel?: string;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button type="button" variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" disabled={busy}>
        {busy ? busyLabel : label}
      </Button>
    </div>
  );
}

interface Toast {
  id: number;
  tone: 'good' | 'bad';
  text: string;
}
const ToastContext = createContext<(tone: Toast['tone'], text: string) => void>(() => undefined);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((tone: Toast['tone'], text: string) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, tone, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="fixed right-4 bottom-4 z-50 space-y-2" aria-live="polite">
        {toasts.map((t) => (
          <div
            key={t.id}
            role={t.tone === 'bad' ? 'alert' : 'status'}
            className={cx(
              'max-w-sm rounded-md px-4 py-3 text-sm text-white shadow-lg',
              t.tone === 'bad' ? 'bg-danger' : 'bg-gray-900 dark:bg-gray-700',
            )}
          >
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}

export { cx };
