// The credentials a provider's number needs (Cloud API, Twilio), one input each with a line on
// where to find it; secrets are password inputs. Asked when the number is added and when its
// credentials are replaced; the API checks them and its field errors show under each field.
import { Field, hintId, Input } from '../components/ui.tsx';

export interface CredentialField<K extends string> {
  key: K;
  label: string;
  help: string;
  secret: boolean;
  /** Digits only (an ID): a numeric keyboard on phones. */
  numeric?: boolean;
}

/** One provider's credentials: its fields, as they start out, and where the API expects them. */
export interface CredentialSet<T extends { [K in keyof T]: string }> {
  /** The key of these credentials in the number's body, and so of their field errors. */
  field: 'cloudApi' | 'twilio';
  /** Prefixes the inputs' ids (`twilio-accountSid`). */
  idPrefix: string;
  fields: CredentialField<keyof T & string>[];
  blank: T;
}

export function CredentialFields<T extends { [K in keyof T]: string }>({
  set,
  value,
  onChange,
  errors,
}: {
  set: CredentialSet<T>;
  value: T;
  onChange: (next: T) => void;
  /** The API's messages by field name (`appSecret`: …). */
  errors: Record<string, string>;
}) {
  return (
    <>
      {set.fields.map((f) => {
        const id = `${set.idPrefix}-${f.key}`;
        return (
          <Field key={f.key} label={f.label} htmlFor={id} help={f.help} error={errors[f.key]}>
            <Input
              id={id}
              type={f.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              inputMode={f.numeric ? 'numeric' : undefined}
              value={value[f.key]}
              onChange={(e) => onChange({ ...value, [f.key]: e.target.value })}
              aria-invalid={errors[f.key] ? true : undefined}
              aria-describedby={hintId(id)}
              required
            />
          </Field>
        );
      })}
    </>
  );
}
