export { createApp } from './app.ts';
export type { Deps, AppEnv, Role } from './context.ts';
export { readEnv, type Env } from './env.ts';
export { mountWebApp } from './web-app.ts';
