/**
 * Puppeteer must never download a browser: waflow drives the system Chromium
 * (Debian's `chromium` package) at PUPPETEER_EXECUTABLE_PATH, default /usr/bin/chromium.
 */
module.exports = {
  skipDownload: true,
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
};
