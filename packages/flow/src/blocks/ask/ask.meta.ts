// ask on the canvas: an output per choice, then any answer, gave up and no reply; the question as
// the summary, and as a form field in the preview.
import { record, records, type BlockMeta, type PreviewStep } from '../block-meta.ts';

const INPUT_TYPE: Record<string, Extract<PreviewStep, { kind: 'field' }>['input']> = {
  email: 'email',
  number: 'number',
  phone: 'tel',
  date: 'date',
};

export const askMeta: BlockMeta<'ask'> = {
  type: 'ask',
  ports(node) {
    const v = record(node.validation);
    const options =
      v.kind === 'choice'
        ? records(v.options).map((o, i) => ({
            field: `validation.options[${i}].next`,
            label: String(o.label ?? `option ${i + 1}`),
          }))
        : [];
    return [
      ...options,
      { field: 'next', label: options.length ? 'any answer' : 'answer' },
      { field: 'onInvalid', label: 'gave up' },
      { field: 'onTimeout', label: 'no reply' },
    ];
  },
  defaults: (id) => ({
    id,
    type: 'ask',
    prompt: 'What is your name?',
    saveAs: 'answer',
    validation: { kind: 'text' },
  }),
  summary: (node) => String(node.prompt ?? ''),
  preview(node) {
    const v = record(node.validation);
    const label = String(node.prompt);
    if (v.kind === 'choice')
      return {
        kind: 'field',
        label,
        input: 'select',
        options: records(v.options).map((o) => String(o.label)),
      };
    return { kind: 'field', label, input: INPUT_TYPE[String(v.kind)] ?? 'text' };
  },
};
