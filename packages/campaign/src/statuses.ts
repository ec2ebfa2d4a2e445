// The part of the package the web app bundles: statuses and words, nothing that pulls in the
// flow package (its validator compiles code at run time, which the app's CSP forbids).
export { CAMPAIGN_STATUSES, type CampaignStatus } from './lifecycle.ts';
export * from './recipient-status.ts';
export { WHATSAPP_WEB_BAN_WARNING } from './ban-warning.ts';
