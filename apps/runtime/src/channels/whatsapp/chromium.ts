// The Chromium the WhatsApp channel drives: always the system one, never a browser downloaded by
// puppeteer, with flags for a root, containerised, quiet run.
//
// Decision: by default a number runs Chromium's headless shell (Debian's `chromium-headless-shell`,
// the same Chromium build as the `chromium` package, without the desktop browser's code) and
// falls back to the full browser (`/usr/bin/chromium`) where the shell is not installed.
// WhatsApp Web runs the same in both; the shell maps ~75 MB less code and keeps ~20 MB less heap
// per number (bench:memory: 351 -> 242 MB RSS, PSS 142 -> 102). PUPPETEER_EXECUTABLE_PATH picks
// either (or another build) explicitly.
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';

/** Debian's `chromium-headless-shell` (its /usr/bin launcher is a shell script that stays as the parent: this is the binary). */
export const HEADLESS_SHELL_PATH = '/usr/lib/chromium/chromium-headless-shell';
/** Debian's `chromium`: the full browser, used where the headless shell is not installed. */
export const FULL_CHROMIUM_PATH = '/usr/bin/chromium';
/** Where the channel looks when PUPPETEER_EXECUTABLE_PATH is not set, first found wins. */
export const DEFAULT_CHROMIUM_PATHS: readonly string[] = [HEADLESS_SHELL_PATH, FULL_CHROMIUM_PATH];

/** Chromium's headless shell (puppeteer launches it with `headless: 'shell'`). */
export function isHeadlessShell(executablePath: string): boolean {
  return /^(chromium|chrome)-headless-shell$/.test(basename(executablePath));
}

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
export const CHROMIUM_MULTI_PROCESS_ARGS: readonly string[] = CHROMIUM_ARGS.filter(
  (a) => a !== '--single-process',
);

export class ChromiumMissingError extends Error {
  readonly code = 'CHROMIUM_MISSING';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser to launch: `executablePath` (PUPPETEER_EXECUTABLE_PATH) when given, else the first of
 * DEFAULT_CHROMIUM_PATHS installed. Says what to install or set when there is none.
 */
export function resolveChromium(executablePath?: string): string {
  if (executablePath) {
    if (executable(executablePath)) return executablePath;
    throw new ChromiumMissingError(
      `Chromium was not found at ${executablePath} (PUPPETEER_EXECUTABLE_PATH). Point it at a chromium binary, ` +
        "or unset it and install Debian's package: apt-get install chromium-headless-shell (or chromium).",
    );
  }
  const found = DEFAULT_CHROMIUM_PATHS.find(executable);
  if (found) return found;
  throw new ChromiumMissingError(
    `Chromium was not found at ${DEFAULT_CHROMIUM_PATHS.join(' or ')}. Install Debian's package ` +
      '(apt-get install chromium-headless-shell, or chromium) or set PUPPETEER_EXECUTABLE_PATH to a chromium binary.',
  );
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
