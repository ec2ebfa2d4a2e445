export {
  checkAddress,
  defaultEgressPolicy,
  isHostAllowedByName,
  isIpLiteral,
  readEgressPolicy,
  refusedLiteral,
  type AddressRefusal,
  type AddressVerdict,
  type EgressPolicy,
} from './address-policy.ts';
export {
  blockedError,
  checkDestination,
  createEgressClient,
  EgressError,
  type EgressClient,
  type EgressRefusal,
  type GuardedRequest,
  type GuardedResponse,
  type Resolver,
} from './guarded-fetch.ts';
export { generateWebhookSecret, isWebhookSecret, sign, signatureHeaders } from './signing.ts';
