// Installs a Debian package the test suites need when it is missing (only as root; otherwise a
// clear message says what to install), so `npm test` works on a fresh machine.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let aptUpdated = false;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** A cross-process lock (mkdir is atomic) so parallel suites do not run apt at once. */
function withLock<T>(name: string, fn: () => T): T {
  const dir = join(tmpdir(), `waflow-${name}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch {
      // A lock left by a dead process older than 15 minutes is broken.
      try {
        if (Date.now() - statSync(dir).mtimeMs > 15 * 60_000)
          rmSync(dir, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for the ${name} lock at ${dir}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Makes sure `probe()` finds what `pkg` provides; installs `pkg` with apt-get when it does not
 * and we are root. Returns what probe() found.
 */
export function ensureDebianPackage(pkg: string, probe: () => string | undefined): string {
  const found = probe();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(
      `The tests need the Debian package "${pkg}", which is not installed. Install it with: sudo apt-get install -y ${pkg}`,
    );
  }
  return withLock('apt', () => {
    const again = probe();
    if (again) return again;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
      stdio: 'inherit',
      env,
    });
    const installed = probe();
    if (!installed) throw new Error(`apt-get installed "${pkg}" but its binary is still not found`);
    return installed;
  });
}

export function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}
