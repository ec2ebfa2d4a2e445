import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('writes JSON lines by default, with the fields as fields', () => {
    const out = capture();
    createLogger({ name: 'test', level: 'info', destination: out.stream }).info({ numberId: 'n1' }, 'number ready');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ name: 'test', level: 30, numberId: 'n1', msg: 'number ready' });
  });

  it('writes readable lines with LOG_FORMAT=pretty (development)', () => {
    const out = capture();
    createLogger({ name: 'test', level: 'info', format: 'pretty', destination: out.stream }).warn({ numberId: 'n1' }, 'number disconnected');
    const text = out.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text).toMatch(/WARN.*\(test\): number disconnected/);
    expect(text).toMatch(/numberId: "n1"/);
  });
});
