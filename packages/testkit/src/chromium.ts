// Locates the system Chromium (Debian's `chromium`, for Playwright, and its headless shell, which
// the WhatsApp channel runs by default), installing it when missing, and the launch flags it
// needs here: as root (--no-sandbox) and on a closed network.
import { ensureDebianPackage, firstExisting } from './debian.ts';

export function chromiumPath(): string {
  const configured = process.env.PUPPETEER_EXECUTABLE_PATH;
  return ensureDebianPackage('chromium', () =>
    firstExisting([
      ...(configured ? [configured] : []),
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
    ]),
  );
}

/**
 * The browser the WhatsApp channel launches by default: Debian's `chromium-headless-shell` (the
 * binary its /usr/bin launcher runs), installed when missing; PUPPETEER_EXECUTABLE_PATH overrides.
 */
export function headlessShellPath(): string {
  const configured = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (configured) return chromiumPath();
  return ensureDebianPackage('chromium-headless-shell', () =>
    firstExisting(['/usr/lib/chromium/chromium-headless-shell']),
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
