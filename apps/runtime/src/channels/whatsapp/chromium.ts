// The Chromium the WhatsApp channel drives: always the system one (Debian's `chromium`), never a
// browser downloaded by puppeteer, with flags for a root, containerised, quiet run.
import { accessSync, constants } from 'node:fs';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
];

export class ChromiumMissingError extends Error {
  readonly code = 'CHROMIUM_MISSING';
}

/** Checks the browser is there and runnable; says what to install or set when it is not. */
export function resolveChromium(executablePath: string = DEFAULT_CHROMIUM_PATH): string {
  try {
    accessSync(executablePath, constants.X_OK);
    return executablePath;
  } catch {
    throw new ChromiumMissingError(
      `Chromium was not found at ${executablePath}. Install Debian's package (apt-get install chromium) ` +
        'or set PUPPETEER_EXECUTABLE_PATH to the chromium binary.',
    );
  }
}
