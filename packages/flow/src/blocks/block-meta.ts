// The canvas side of a block type: its outputs (ports), a new block's defaults, the one-line
// summary and the form-style preview. Metas read drafts (a block being edited may be half filled
// in), import nothing of the engine, and are what the web app imports (`@waflow/flow/metas`).
import type { NodeType } from '../schema/types.ts';

/** A block as the builder holds it: any JSON object, not yet validated. */
export type Draft = Record<string, unknown>;

export interface Port {
  /** The field that names the block this output leads to (`next`, `branches[0].next`). */
  field: string;
  label: string;
}

/** What the form-style preview shows for a block: a question as a form field, or a message. */
export type PreviewStep =
  | {
      kind: 'field';
      label: string;
      input: 'text' | 'email' | 'number' | 'tel' | 'date' | 'select';
      options?: string[];
    }
  | { kind: 'text'; text: string };

export interface BlockMeta<T extends NodeType> {
  type: T;
  /** Its outputs, in the order the canvas draws them; the validator's links are the same fields. */
  ports(node: Draft): Port[];
  /** A new block of this type, as the palette drops it. */
  defaults(id: string): Draft & { id: string; type: T };
  /** One line that says what the block does, for the canvas ('' when there is nothing to say). */
  summary(node: Draft): string;
  /** What the preview shows for it (nothing when absent). */
  preview?(node: Draft): PreviewStep | undefined;
  /** The block the preview's main path follows (default: `next`). */
  mainPath?(node: Draft): unknown;
}

/** `v` when it is an object, else an empty one: a draft's fields may be missing or mistyped. */
export function record(v: unknown): Draft {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Draft) : {};
}

/** `v`'s objects when it is a list, else none. */
export function records(v: unknown): Draft[] {
  return Array.isArray(v) ? v.map(record) : [];
}

/** The single `next` output most blocks have. */
export const nextPort = (): Port[] => [{ field: 'next', label: 'next' }];

/**
 * The preview of a block that says something: its `message` (text, a media's caption, or a
 * template's fallback text, else its name).
 */
export function messagePreview(node: Draft): PreviewStep | undefined {
  const msg = node.message;
  const m = record(msg);
  const text =
    typeof msg === 'string'
      ? msg
      : String(
          m.text ?? m.caption ?? m.fallbackText ?? (m.kind === 'template' ? (m.name ?? '') : ''),
        );
  return text ? { kind: 'text', text } : undefined;
}
