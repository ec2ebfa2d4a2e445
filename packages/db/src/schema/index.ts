export * from './workspaces.ts';
export * from './flows.ts';
export * from './numbers.ts';
export * from './conversations.ts';
export * from './webhooks.ts';
