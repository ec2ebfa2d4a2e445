// The shape of a validation error: shown to non-technical admins, so `message` is plain words
// that say what to change; `nodeId` + `field` let the builder pin it on the right block and input.

export type FlowErrorCode =
  | 'SCHEMA'
  | 'DUPLICATE_NODE_ID'
  | 'NODE_NOT_FOUND'
  | 'UNREACHABLE_NODE'
  | 'UNDECLARED_VARIABLE'
  | 'DUPLICATE_VARIABLE'
  | 'SUBFLOW_NOT_FOUND'
  | 'LOOP_WITHOUT_INPUT'
  | 'INVALID_REGEX'
  | 'INVALID_TIMEZONE'
  | 'INVALID_CONDITION'
  | 'INVALID_PATH'
  | 'NO_TRIGGER'
  /** A contact attribute the workspace does not declare, read as {{contact.<key>}} or saved to. */
  | 'UNKNOWN_CONTACT_ATTRIBUTE'
  /** A warning: a literal internal address the egress policy refuses unless an operator allows it. */
  | 'INTERNAL_ADDRESS';

export interface FlowError {
  code: FlowErrorCode;
  /** The block the error belongs to; absent for flow-level errors. */
  nodeId?: string;
  /** Where in the block (or the flow): `prompt`, `validation.options[1].next`, `triggers[0].pattern`. */
  field: string;
  message: string;
}
