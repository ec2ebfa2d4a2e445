// The four things a WhatsApp Cloud API number needs from Meta, with where to find each: asked
// when the number is added and when its credentials are replaced. The API checks them and
// answers field errors, shown under each field.
import { Field, hintId, Input } from '../components/ui.tsx';

export interface CloudApiCredentials {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
}

export const noCredentials: CloudApiCredentials = {
  phoneNumberId: '',
  wabaId: '',
  accessToken: '',
  appSecret: '',
};

const FIELDS: {
  key: keyof CloudApiCredentials;
  label: string;
  help: string;
  secret: boolean;
}[] = [
  {
    key: 'phoneNumberId',
    label: 'Phone number ID',
    help: "In Meta's App Dashboard → WhatsApp → API Setup, under the number (not the phone number itself).",
    secret: false,
  },
  {
    key: 'wabaId',
    label: 'WhatsApp Business Account ID',
    help: 'On the same page, under the phone number ID.',
    secret: false,
  },
  {
    key: 'accessToken',
    label: 'Access token',
    help: 'A system user token (Business Settings → System users) with whatsapp_business_messaging. Stored encrypted, never shown again.',
    secret: true,
  },
  {
    key: 'appSecret',
    label: 'App secret',
    help: 'App settings → Basic → App secret: proves the webhooks come from Meta. Stored encrypted.',
    secret: true,
  },
];

export function CloudApiFields({
  value,
  onChange,
  errors,
}: {
  value: CloudApiCredentials;
  onChange: (next: CloudApiCredentials) => void;
  /** The API's messages by field name (`appSecret`: …). */
  errors: Record<string, string>;
}) {
  return (
    <>
      {FIELDS.map((f) => {
        const id = `cloud-api-${f.key}`;
        return (
          <Field key={f.key} label={f.label} htmlFor={id} help={f.help} error={errors[f.key]}>
            <Input
              id={id}
              type={f.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              inputMode={f.secret ? undefined : 'numeric'}
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
