// A new campaign: who (a saved audience of tag and attribute conditions), what (one message or a
// published flow, or a WhatsApp template), from which numbers, how fast, and when (now, or a local date and time). The
// API's refusal is shown under the form in its words; WhatsApp Web numbers carry the ban warning.
import { useQuery } from '@tanstack/react-query';
import { WHATSAPP_WEB_BAN_WARNING } from '@waflow/campaign/statuses';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.ts';
import { Button, Card, Field, Input, Select } from '../../components/ui.tsx';
import { navigate } from '../../router.tsx';
import { useWs } from '../../session.tsx';
import { Page } from '../../shell.tsx';
import type { NumberRow } from '../number-view.ts';
import {
  CampaignContent,
  contentBody,
  emptyContent,
  type ContentDraft,
} from './campaign-content.tsx';
import {
  AudienceConditions,
  conditionsBody,
  firstCondition,
  type Condition,
} from './audience-conditions.tsx';
import type { Campaign } from './campaign-types.ts';

export function NewCampaign() {
  const ws = useWs();
  const numbers = useQuery({
    queryKey: [ws, 'numbers'],
    queryFn: () => api.get<{ items: NumberRow[] }>(`${ws}/numbers`),
  });
  const [name, setName] = useState('');
  const [conditions, setConditions] = useState<Condition[]>([firstCondition]);
  const [content, setContent] = useState<ContentDraft>(emptyContent);
  const [numberIds, setNumberIds] = useState<string[]>([]);
  const [perMinute, setPerMinute] = useState('4');
  const [dailyCap, setDailyCap] = useState('200');
  const [windowStart, setWindowStart] = useState('09:00');
  const [windowEnd, setWindowEnd] = useState('20:00');
  const [busy, setBusy] = useState<'wait' | 'skip'>('wait');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [sendAt, setSendAt] = useState('');
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);

  const webNumber = numbers.data?.items.some(
    (n) => numberIds.includes(n.id) && n.channel === 'whatsapp',
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError('');
    try {
      const created = await api.post<Campaign>(`${ws}/campaigns`, {
        name,
        audience: {
          kind: 'segment',
          match: 'all',
          conditions: conditionsBody(conditions),
        },
        content: contentBody(content),
        numberIds,
        settings: {
          busy,
          pacing: {
            perMinute: Number(perMinute),
            jitter: 0.3,
            dailyCap: dailyCap ? Number(dailyCap) : null,
            window: windowStart && windowEnd ? { start: windowStart, end: windowEnd } : null,
          },
        },
        ...(when === 'now' ? { start: true } : { sendAt }),
      });
      navigate(`/campaigns/${created.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The campaign could not be created.');
    } finally {
      setSaving(false);
    }
  };

  return (
    <Page title="New campaign">
      <form onSubmit={(e) => void submit(e)} className="space-y-4">
        <Card className="space-y-3 p-4">
          <Field label="Name" htmlFor="c-name">
            <Input id="c-name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <h2 className="font-medium">Audience: contacts who match every condition</h2>
          <AudienceConditions value={conditions} onChange={setConditions} />
        </Card>

        <Card className="space-y-3 p-4">
          <CampaignContent
            value={content}
            onChange={setContent}
            numbers={numbers.data?.items ?? []}
          />
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">From</legend>
            {numbers.data?.items.map((n) => (
              <label key={n.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={numberIds.includes(n.id)}
                  onChange={(e) =>
                    setNumberIds((ids) =>
                      e.target.checked ? [...ids, n.id] : ids.filter((x) => x !== n.id),
                    )
                  }
                />
                {n.label}
              </label>
            ))}
          </fieldset>
          {webNumber ? (
            <p role="alert" className="rounded-md border border-danger/40 p-2 text-sm text-danger">
              {WHATSAPP_WEB_BAN_WARNING}
            </p>
          ) : null}
        </Card>

        <Card className="flex flex-wrap gap-4 p-4">
          <Field label="Messages per minute, per number" htmlFor="c-rate">
            <Input
              id="c-rate"
              type="number"
              min={1}
              value={perMinute}
              onChange={(e) => setPerMinute(e.target.value)}
              className="w-28"
            />
          </Field>
          <Field label="Daily cap per number" htmlFor="c-cap" help="Empty for none">
            <Input
              id="c-cap"
              type="number"
              min={1}
              value={dailyCap}
              onChange={(e) => setDailyCap(e.target.value)}
              className="w-28"
            />
          </Field>
          <Field label="Send between" htmlFor="c-from" help="Local time of the workspace">
            <div className="flex items-center gap-1">
              <Input
                id="c-from"
                type="time"
                value={windowStart}
                onChange={(e) => setWindowStart(e.target.value)}
                className="w-32"
              />
              <span>and</span>
              <Input
                aria-label="Send until"
                type="time"
                value={windowEnd}
                onChange={(e) => setWindowEnd(e.target.value)}
                className="w-32"
              />
            </div>
          </Field>
          <Field label="Contact in a conversation" htmlFor="c-busy">
            <Select
              id="c-busy"
              value={busy}
              onChange={(e) => setBusy(e.target.value as 'wait' | 'skip')}
              className="w-56"
            >
              <option value="wait">Wait until it ends</option>
              <option value="skip">Skip them</option>
            </Select>
          </Field>
          <Field label="When" htmlFor="c-when">
            <Select
              id="c-when"
              value={when}
              onChange={(e) => setWhen(e.target.value as 'now' | 'later')}
              className="w-40"
            >
              <option value="now">Now</option>
              <option value="later">At a time</option>
            </Select>
          </Field>
          {when === 'later' ? (
            <Field label="Start at" htmlFor="c-at" help="Local time of the workspace">
              <Input
                id="c-at"
                type="datetime-local"
                value={sendAt}
                onChange={(e) => setSendAt(e.target.value)}
              />
            </Field>
          ) : null}
        </Card>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => navigate('/campaigns')}>
            Cancel
          </Button>
          <Button type="submit" disabled={saving}>
            {when === 'now' ? 'Start campaign' : 'Schedule campaign'}
          </Button>
        </div>
      </form>
    </Page>
  );
}
