// condition on the canvas: an output per rule, then else; the rules in words as the summary; the
// preview follows the first rule.
import { records, type BlockMeta } from '../block-meta.ts';
import { describeRule } from './describe-rule.ts';

export const conditionMeta: BlockMeta<'condition'> = {
  type: 'condition',
  ports: (node) => [
    ...records(node.branches).map((b, i) => ({
      field: `branches[${i}].next`,
      label: String(b.label ?? `rule ${i + 1}`),
    })),
    { field: 'else', label: 'else' },
  ],
  defaults: (id) => ({
    id,
    type: 'condition',
    branches: [{ label: 'Rule 1', when: { '==': [{ var: 'answer' }, 'yes'] }, next: '' }],
  }),
  summary: (node) =>
    records(node.branches)
      .map((b) => describeRule(b.when))
      .filter(Boolean)
      .join('; '),
  mainPath: (node) => records(node.branches)[0]?.next ?? node.else,
};
