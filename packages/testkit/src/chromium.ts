// Locates the system Chromium (Debian's `chromium`), installing it when missing, and the launch
// flags it needs here: as root (--no-sandbox) and on a closed network.
import { ensureDebianPackage, firstExisting } from './debian.ts';

export function chromiumPath(): string {
  const configured = process.env.PUPPETEER_EXECUTABLE_PATH;
  return ensureDebianPackage('chromium', () =>
    firstExisting([...(configured ? [configured] : []), '/usr/bin/chromium', '/usr/bin/chromium-browser']),
  );
}

export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
