import { describe, expect, it } from 'vitest';
import { headlessShellPath } from '@waflow/testkit';
import {
  ChromiumMissingError,
  FULL_CHROMIUM_PATH,
  HEADLESS_SHELL_PATH,
  isHeadlessShell,
  resolveChromium,
} from './chromium.ts';

describe('the Chromium a number runs', () => {
  it('is the headless shell by default when Debian installed it', () => {
    headlessShellPath(); // the test kit installs chromium-headless-shell when it is missing
    expect(resolveChromium()).toBe(HEADLESS_SHELL_PATH);
  });

  it('is PUPPETEER_EXECUTABLE_PATH when that is set', () => {
    expect(resolveChromium(HEADLESS_SHELL_PATH)).toBe(HEADLESS_SHELL_PATH);
    expect(resolveChromium('/bin/sh')).toBe('/bin/sh');
  });

  it('says what to install or set when the configured browser is missing', () => {
    expect(() => resolveChromium('/nowhere/chromium')).toThrow(ChromiumMissingError);
    expect(() => resolveChromium('/nowhere/chromium')).toThrow(
      /not found at \/nowhere\/chromium \(PUPPETEER_EXECUTABLE_PATH\).*apt-get install chromium-headless-shell \(or chromium\)/,
    );
  });

  it("launches the headless shell in puppeteer's shell mode, the full browser in its headless mode", () => {
    expect(isHeadlessShell(HEADLESS_SHELL_PATH)).toBe(true);
    expect(isHeadlessShell('/usr/bin/chromium-headless-shell')).toBe(true);
    expect(isHeadlessShell('/opt/chrome-headless-shell/chrome-headless-shell')).toBe(true);
    expect(isHeadlessShell(FULL_CHROMIUM_PATH)).toBe(false);
    expect(isHeadlessShell('/usr/lib/chromium/chromium')).toBe(false);
  });
});
