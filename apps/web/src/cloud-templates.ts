// The approved WhatsApp templates of some Cloud API numbers, read through the API
// (GET …/numbers/:id/cloud-api/templates, which asks Meta), merged and sorted: what the builder's
// "Pick from Meta" and a template campaign choose from.
import { useQueries } from '@tanstack/react-query';
import { api } from './api.ts';
import type { NumberRow } from './pages/number-view.ts';

/** A template as the API lists it (what Meta says of it). */
export interface MetaTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  /** The body with its {{1}}, {{2}}… */
  body: string;
  bodyParameters: number;
}

export const templateKey = (t: { name: string; language: string }) =>
  `${t.name}\u0000${t.language}`;

export const templateLabel = (t: MetaTemplate) =>
  `${t.name} (${t.language}, ${t.category.toLowerCase()}, ${t.bodyParameters} parameter${t.bodyParameters === 1 ? '' : 's'})`;

export function useApprovedTemplates(ws: string, numbers: NumberRow[]) {
  const cloud = numbers.filter((n) => n.channel === 'cloud_api');
  const lists = useQueries({
    queries: cloud.map((n) => ({
      queryKey: [ws, 'numbers', n.id, 'cloud-api', 'templates'],
      queryFn: () =>
        api.get<{ items: MetaTemplate[] }>(`${ws}/numbers/${n.id}/cloud-api/templates`),
      retry: false,
      staleTime: 60_000,
    })),
  });
  const templates = [
    ...new Map(
      lists
        .flatMap((l) => l.data?.items ?? [])
        .filter((t) => t.status === 'APPROVED')
        .map((t) => [templateKey(t), t]),
    ).values(),
  ].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
  const failed = lists.find((l) => l.error)?.error;
  return {
    /** Whether any of the numbers is a Cloud API number (else there is nothing to read). */
    any: cloud.length > 0,
    templates,
    loading: lists.some((l) => l.isPending),
    error: failed instanceof Error ? failed.message : undefined,
  };
}
