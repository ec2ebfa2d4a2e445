/**
 * Puppeteer must never download a browser: waflow drives the system Chromium at
 * PUPPETEER_EXECUTABLE_PATH. The WhatsApp channel passes its own path (Debian's headless shell,
 * else /usr/bin/chromium: apps/runtime/src/channels/whatsapp/chromium.ts); /usr/bin/chromium is
 * the default for anything else that launches puppeteer.
 */
module.exports = {
  skipDownload: true,
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
};
