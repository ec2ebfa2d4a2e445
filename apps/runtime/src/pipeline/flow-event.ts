// The engine's event for a claimed inbound payload: a message (text, media, location, a tapped
// choice), a timer, an http answer, a handoff release, an API start.
import type { ContactInfo, FlowEvent } from '@waflow/flow';
import type { InboundPayload } from '@waflow/db';

export function toFlowEvent(
  p: InboundPayload,
  isFirstMessage: boolean,
  known: ContactInfo | undefined,
): FlowEvent {
  switch (p.kind) {
    case 'message': {
      const m = p.message;
      const contact = {
        ...known,
        phone: m.from.replace(/@.*$/, ''),
        ...(m.contactName ? { name: m.contactName } : {}),
      };
      if (m.type === 'media' && m.media)
        return {
          type: 'message',
          isFirstMessage,
          contact,
          message: {
            kind: 'media',
            ref: m.media.ref,
            mimeType: m.media.mimeType,
            ...(m.text ? { caption: m.text } : {}),
          },
        };
      if (m.type === 'location' && m.location)
        return {
          type: 'message',
          isFirstMessage,
          contact,
          message: { kind: 'location', ...m.location },
        };
      // A tapped reply button or list row (official channels): its id is the option's number.
      if (m.reply && /^\d{1,3}$/.test(m.reply.id))
        return {
          type: 'message',
          isFirstMessage,
          contact,
          message: { kind: 'choice', option: Number(m.reply.id), label: m.reply.title },
        };
      return {
        type: 'message',
        isFirstMessage,
        contact,
        message: { kind: 'text', text: m.text ?? '' },
      };
    }
    case 'timer':
      return { type: 'timer', timerId: p.timerId };
    case 'http_response':
      return {
        type: 'http_response',
        requestId: p.requestId,
        outcome: p.outcome,
        ...(p.status === undefined ? {} : { status: p.status }),
        ...(p.body === undefined ? {} : { body: p.body }),
        ...(p.error ? { error: p.error } : {}),
      };
    case 'handoff_released':
      return p.nodeId
        ? { type: 'handoff_released', nodeId: p.nodeId }
        : { type: 'handoff_released' };
    case 'api_start':
      return { type: 'api_start', variables: p.variables, contact: { ...known, ...p.contact } };
  }
}
