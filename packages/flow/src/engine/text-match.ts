// Forgiving text comparison for keywords and menu answers: case, accents, punctuation and
// spacing do not matter, and a close spelling (small edit distance) of an option is accepted.

const NOT_PRINTABLE_ASCII = /[^ -~]/;

export function normalize(text: string): string {
  // Printable ASCII (most replies) needs no Unicode decomposition: same result, several times faster.
  if (!NOT_PRINTABLE_ASCII.test(text))
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return normalizeUnicode(text);
}

export function normalizeUnicode(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/**
 * Which option a reply picks: its number ("2", "2.", "#2"), its label, or a close spelling of
 * the label. Returns the option index, or undefined when the reply fits none (or two equally).
 */
export function matchChoice(labels: readonly string[], reply: string): number | undefined {
  const n = normalize(reply);
  if (n === '') return undefined;
  const num = /^#?\s*(\d{1,3})$/.exec(n);
  if (num) {
    const i = Number(num[1]) - 1;
    return i >= 0 && i < labels.length ? i : undefined;
  }
  const norm = labels.map(normalize);
  const exact = norm.indexOf(n);
  if (exact >= 0) return exact;
  let best: number | undefined;
  let bestD = Infinity;
  let tie = false;
  norm.forEach((label, i) => {
    const max = Math.max(1, Math.floor(label.length / 4));
    const d = editDistance(n, label, max);
    if (d > max) return;
    if (d < bestD) {
      bestD = d;
      best = i;
      tie = false;
    } else if (d === bestD) tie = true;
  });
  if (best !== undefined && !tie) return best;
  // "I want the second one, pizza" → the only label that appears as whole words in the reply.
  const contained = norm
    .map((label, i) => (label.length >= 3 && ` ${n} `.includes(` ${label} `) ? i : -1))
    .filter((i) => i >= 0);
  return contained.length === 1 ? contained[0] : undefined;
}
