// Checks a reply against what an ask block expects and gives the value to store.
import type { AskNode } from '../../schema/types.ts';
import type { InboundContent } from '../../engine/types.ts';
import { inboundText } from '../../engine/inbound-text.ts';
import { matchChoice } from '../../engine/text-match.ts';

export type AnswerCheck = { ok: true; value: unknown; option?: number } | { ok: false };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/\s+/g, '');
  // 1.234,5 / 1,234.5 / 12,5: the last separator is the decimal one.
  const m = /^[-+]?[\d.,]+$/.exec(t);
  if (!m) return undefined;
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  const normal = lastComma > lastDot ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
  const n = Number(normal);
  return Number.isFinite(n) ? n : undefined;
}

function parseDate(text: string): string | undefined {
  const t = text.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t)))
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return date.toISOString().slice(0, 10);
}

export function checkAnswer(node: AskNode, answer: InboundContent): AnswerCheck {
  const v = node.validation;
  if (v.kind === 'media') {
    return answer.kind === 'media'
      ? { ok: true, value: { ref: answer.ref, mimeType: answer.mimeType } }
      : { ok: false };
  }
  if (v.kind === 'choice' && answer.kind === 'choice') {
    // A tapped option: its number decides; the label is only a fallback (an out-of-date menu).
    const byNumber = v.options[answer.option - 1];
    if (byNumber)
      return { ok: true, value: byNumber.value ?? byNumber.label, option: answer.option - 1 };
  }
  if (answer.kind !== 'text' && answer.kind !== 'choice') return { ok: false };
  const text = inboundText(answer).trim();
  switch (v.kind) {
    case 'text':
      if (text.length < Math.max(1, v.minLength ?? 1)) return { ok: false };
      if (v.maxLength !== undefined && text.length > v.maxLength) return { ok: false };
      return { ok: true, value: text };
    case 'number': {
      const n = parseNumber(text);
      if (n === undefined) return { ok: false };
      if (v.integer && !Number.isInteger(n)) return { ok: false };
      if ((v.min !== undefined && n < v.min) || (v.max !== undefined && n > v.max))
        return { ok: false };
      return { ok: true, value: n };
    }
    case 'email':
      return EMAIL.test(text) ? { ok: true, value: text.toLowerCase() } : { ok: false };
    case 'phone': {
      const digits = text.replace(/[\s().-]/g, '');
      return /^\+?\d{7,15}$/.test(digits) ? { ok: true, value: digits } : { ok: false };
    }
    case 'date': {
      const iso = parseDate(text);
      return iso ? { ok: true, value: iso } : { ok: false };
    }
    case 'regex':
      try {
        return new RegExp(v.pattern, v.flags).test(text)
          ? { ok: true, value: text }
          : { ok: false };
      } catch {
        return { ok: false };
      }
    case 'choice': {
      const i = matchChoice(
        v.options.map((o) => o.label),
        text,
      );
      if (i === undefined) return { ok: false };
      const option = v.options[i];
      return option ? { ok: true, value: option.value ?? option.label, option: i } : { ok: false };
    }
    default: {
      const never: never = v;
      throw new Error(`unknown validation ${JSON.stringify(never)}`);
    }
  }
}
