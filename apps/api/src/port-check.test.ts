// The port `npm start` takes first: a port in use is a PortUnavailableError whose message is one
// line naming the variable to set; a free one is held, answering 503 until the app is served.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@waflow/testkit';
import { holdPort, PortUnavailableError, type HeldPort } from './port-check.ts';

const close = (s: { close(cb: () => void): unknown }) => new Promise<void>((r) => s.close(r));

describe('holdPort', () => {
  const open: (Server | HeldPort['server'])[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map(close));
  });

  it('refuses a port in use with one line that says to set PORT (or HOST)', async () => {
    const port = await freePort();
    const other = createServer();
    open.push(other);
    await new Promise<void>((r) => other.listen(port, '127.0.0.1', r));
    const err: unknown = await holdPort(port, '127.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortUnavailableError);
    const message = err instanceof Error ? err.message : '';
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(message).toContain(`set PORT to a free port (e.g. PORT=${port + 1})`);
    expect(message).toContain('HOST');
  });

  it('refuses a HOST that is no address of this machine, naming HOST', async () => {
    const err: unknown = await holdPort(await freePort(), '192.0.2.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortUnavailableError);
    expect(err instanceof Error ? err.message : '').toMatch(/^HOST=192\.0\.2\.1 is not an address/);
  });

  it('holds a free port, answering 503 while starting and the app once served', async () => {
    const port = await freePort();
    const held = await holdPort(port, '127.0.0.1');
    open.push(held.server);
    expect(held.port).toBe(port);
    const starting = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(starting.status).toBe(503);
    expect(starting.headers.get('retry-after')).toBe('2');
    expect(((await starting.json()) as { error: { code: string } }).error.code).toBe('STARTING');
    // Held meanwhile: nothing else can take it.
    const other = createServer();
    const taken = await new Promise<string | undefined>((resolve) => {
      other.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
      other.listen(port, '127.0.0.1', () => {
        open.push(other);
        resolve(undefined);
      });
    });
    expect(taken).toBe('EADDRINUSE');
    held.serve((_req, res) => res.end('served'));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('served');
  });
});
