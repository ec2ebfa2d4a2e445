// The Chromium the WhatsApp channel drives: always the system one (Debian's `chromium`), never a
// browser downloaded by puppeteer, with flags for a root, containerised, quiet run.
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
  // Memory: one renderer, no per-site processes, GPU and network work in the browser process.
  '--renderer-process-limit=1',
  '--disable-site-isolation-trials',
  // The WebUI omnibox popups (and the AI one) are preloaded as hidden pages even headless,
  // each a document with its own JS: ~30 MB of Chromium's heap and ~10 MB of its code
  // (bench:memory RSS 394 -> 352 per number). A headless browser never shows an address bar.
  '--disable-features=site-per-process,Translate,MediaRouter,OptimizationHints,AudioServiceOutOfProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI',
  '--in-process-gpu',
  // No SwiftShader (software GL) set up behind the disabled GPU: the page draws with Skia on the
  // CPU anyway; -12 MB RSS per Chromium in bench:memory.
  '--disable-software-rasterizer',
  '--disable-extensions',
  '--mute-audio',
  '--no-zygote',
  // Renderer, network and storage services in the browser process: each process had its own
  // heaps, allocator and thread pools (and counted the binary's ~150-220 MB of mapped code in its
  // RSS): 5 processes were ~785 MB RSS / ~210 MB PSS, one is ~317 / ~135 (bench:memory).
  // Chromium calls it unsupported: a renderer crash takes the browser with it, which the channel
  // already treats like any Chromium death (restart with backoff; tested by SIGKILLing it in
  // test/whatsapp/channel.test.ts, which runs these flags).
  '--single-process',
];

/** The flags without `--single-process`: Chromium's usual processes (more memory, a renderer crash spares the browser). */
export const CHROMIUM_MULTI_PROCESS_ARGS: readonly string[] = CHROMIUM_ARGS.filter((a) => a !== '--single-process');

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

/**
 * Kills Chromium processes still holding `userDataDir` (left behind when a worker was SIGKILLed:
 * its browser survives it). A second Chromium on the same profile would hand over to the orphan
 * and exit, so the new client could never start.
 */
export function killChromiumUsing(userDataDir: string): number {
  let killed = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (!args.some((a) => a === `--user-data-dir=${userDataDir}`)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed += 1;
    } catch {
      // Already gone.
    }
  }
  return killed;
}
