export {
  checkAddress,
  defaultEgressPolicy,
  isHostAllowedByName,
  isIpLiteral,
  readEgressPolicy,
  type AddressVerdict,
  type EgressPolicy,
} from './address-policy.ts';
export {
  checkDestination,
  createEgressClient,
  EgressError,
  type EgressClient,
  type GuardedRequest,
  type GuardedResponse,
  type Resolver,
} from './guarded-fetch.ts';
export { generateWebhookSecret, isWebhookSecret, sign, signatureHeaders } from './signing.ts';
