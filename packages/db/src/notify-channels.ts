// The Postgres LISTEN/NOTIFY channels the processes talk on, named once (the API notifies, the
// runtime and the number supervisor listen, and the other way round).

/** A flow version was published: runtimes drop their cached flows. Payload `{ flowId, versionId }`. */
export const FLOW_PUBLISHED_CHANNEL = 'flow_published';
/** A number was added, changed or removed: supervisors start or stop its worker. Payload `{ numberId, action }`. */
export const NUMBERS_CHANGED_CHANNEL = 'numbers_changed';
/** A number's status changed (QR, ready, disconnected…): the web app's live view. Payload `{ numberId }`. */
export const NUMBER_STATUS_CHANNEL = 'number_status';
