// Engine benchmark: replays the example conversations through advance() on one core and prints
// inbound messages per second and the conversation state size. Last line (lead capture):
//   engine_msgs_per_s=N state_bytes=M
import { loadScripts, playScript } from '../../packages/flow/src/examples/load-examples.ts';

const DURATION_MS = Number(process.env.BENCH_MS ?? 2000);
const scripts = loadScripts();
let lead = { rate: 0, bytes: 0 };

for (const script of scripts) {
  // Warm up the JIT, then measure whole conversations for a fixed time.
  for (let i = 0; i < 200; i++) playScript(script);
  let messages = 0;
  let maxBytes = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let i = 0;
  while (process.hrtime.bigint() < deadline) {
    const { state } = playScript(script, 1_700_000_000_000 + i++);
    messages += script.steps.length;
    if (i % 1000 === 1) maxBytes = Math.max(maxBytes, Buffer.byteLength(JSON.stringify(state)));
  }
  // The largest state during a conversation (not only the final one).
  for (let n = 1; n <= script.steps.length; n++) {
    const { state } = playScript({ ...script, steps: script.steps.slice(0, n) });
    maxBytes = Math.max(maxBytes, Buffer.byteLength(JSON.stringify(state)));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = Math.round(messages / seconds);
  console.log(
    `${script.name.padEnd(22)} ${String(rate).padStart(9)} msgs/s   max state ${maxBytes} bytes`,
  );
  if (script.name === 'lead-capture') lead = { rate, bytes: maxBytes };
}
console.log(`engine_msgs_per_s=${lead.rate} state_bytes=${lead.bytes}`);
