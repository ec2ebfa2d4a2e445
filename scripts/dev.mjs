#!/usr/bin/env node
// `npm run dev`: the API with the embedded runtime on :3000 (restarted on change by tsx watch)
// and the web app with hot reload on :5173 (Vite, /api proxied to :3000). Ctrl+C stops both.
import { spawn } from 'node:child_process';

const children = [
  // Readable log lines in development (JSON in production: LOG_FORMAT unset).
  spawn('npx', ['tsx', 'watch', 'apps/api/src/main.ts'], {
    stdio: 'inherit',
    env: { LOG_FORMAT: 'pretty', ...process.env },
  }),
  spawn('npm', ['run', 'dev', '-w', '@waflow/web'], { stdio: 'inherit' }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => code && stop());
