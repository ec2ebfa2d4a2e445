// pm2 for production: `npm run start:prod` (= pm2 start ecosystem.config.cjs). The api app serves
// the API and the web app, runs the embedded runtime for sandbox numbers and the simulator, and
// supervises one pm2 worker per WhatsApp number (`waflow-number-<id>`, started in their own
// PM2_HOME under <WAFLOW_DATA_DIR>/pm2). Set DATABASE_URL and WAFLOW_SECRET_KEY in the environment
// (or an .env your process manager loads); see the README's Configuration table.
//   pm2 monit                       live CPU/memory of every process
//   pm2 logs waflow-api             the API's JSON logs (LOG_LEVEL)
//   PM2_HOME=./data/pm2 pm2 ls      the number workers
module.exports = {
  apps: [
    {
      name: 'waflow-api',
      script: 'apps/api/src/main.ts',
      interpreter: 'node',
      interpreter_args: '--import tsx',
      cwd: __dirname,
      instances: 1,
      exec_mode: 'fork',
      env: {
        NODE_ENV: 'production',
        HOST: process.env.HOST || '0.0.0.0',
        PORT: process.env.PORT || '3000',
      },
      max_memory_restart: '1G',
      // Restart with growing delays after a crash (reset after 30 s up), never a tight loop.
      exp_backoff_restart_delay: 500,
      min_uptime: '30s',
      kill_timeout: 20000,
      out_file: './data/logs/waflow-api.out.log',
      error_file: './data/logs/waflow-api.err.log',
      merge_logs: true,
      time: true,
    },
  ],
};
