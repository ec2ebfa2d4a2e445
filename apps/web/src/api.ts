// The API client: the access token lives in memory only; on a 401 the refresh cookie (httpOnly)
// gets a new one once, then the request is retried. Errors carry the API's plain-words message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /**
   * The API's field errors (`details: [{ field, message }]` of a 400), by field path with
   * `prefix` taken off: `fieldErrors('cloudApi.')` gives `{ appSecret: '…' }`.
   */
  fieldErrors(prefix = ''): Record<string, string> {
    const out: Record<string, string> = {};
    const items: unknown[] = Array.isArray(this.details) ? this.details : [];
    for (const d of items) {
      if (typeof d !== 'object' || d === null || !('field' in d) || !('message' in d)) continue;
      const { field, message } = d;
      if (typeof field !== 'string' || typeof message !== 'string') continue;
      if (field.startsWith(prefix)) out[field.slice(prefix.length)] ??= message;
    }
    return out;
  }
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

async function refresh(): Promise<boolean> {
  refreshing ??= fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then(async (r) => {
      if (!r.ok) return false;
      setAccessToken(((await r.json()) as { accessToken: string }).accessToken);
      return true;
    })
    .catch(() => false)
    .finally(() => setTimeout(() => (refreshing = null), 0));
  return refreshing;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  retried = false,
): Promise<ApiResponse<T>> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...(body === undefined || body instanceof Blob ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    // A Blob (a file, a pasted CSV) goes as it is: the browser streams it.
    ...(body === undefined ? {} : { body: body instanceof Blob ? body : JSON.stringify(body) }),
  });
  if (res.status === 401 && !retried && !path.startsWith('/auth/') && (await refresh()))
    return request<T>(method, path, body, headers, true);
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (
      data as { error?: { code?: string; message?: string; details?: unknown } } | undefined
    )?.error;
    throw new ApiError(
      res.status,
      err?.code ?? 'HTTP_ERROR',
      err?.message ?? `The server answered ${res.status}.`,
      err?.details,
    );
  }
  return { data: data as T, headers: res.headers };
}

export const api = {
  get: async <T>(path: string) => (await request<T>('GET', path)).data,
  post: async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    (await request<T>('POST', path, body ?? {}, headers)).data,
  patch: async <T>(path: string, body: unknown) => (await request<T>('PATCH', path, body)).data,
  put: async <T>(path: string, body: unknown) => (await request<T>('PUT', path, body)).data,
  /** A file as the body (`file.type` or `contentType` says what it is). */
  upload: async <T>(path: string, file: Blob, contentType: string) =>
    (await request<T>('POST', path, file, { 'content-type': contentType })).data,
  del: async (path: string) => {
    await request('DELETE', path);
  },
};

/**
 * Server-sent events with the access token (EventSource cannot send headers). Reconnects on its
 * own; a stream whose events carry ids resumes after the last one received (Last-Event-ID), so
 * nothing that happened meanwhile is missed. `onOpen` runs on each (re)connection, `onLost`
 * when a connection ends or cannot be made (it is retried).
 */
export function streamEvents(
  path: string,
  onEvent: (event: string, data: unknown, id: string | undefined) => void,
  signal: AbortSignal,
  onOpen?: () => void,
  onLost?: () => void,
): void {
  void (async () => {
    let lastId: string | undefined;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const res = await fetch(`/api/v1${path}`, {
          headers: {
            ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal,
        });
        if (res.status === 401 && (await refresh())) continue;
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        attempt = 0;
        onOpen?.();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const chunk = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? 'message';
            const id = /^id: (.*)$/m.exec(chunk)?.[1];
            if (id !== undefined) lastId = id;
            const data = chunk
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) onEvent(event, JSON.parse(data), id);
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      onLost?.();
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 10_000)));
    }
  })();
}

/**
 * Saves a file the API serves (a plain link cannot carry the access token), named `fileName` or
 * as the API's Content-Disposition says.
 */
export async function download(path: string, fileName?: string): Promise<void> {
  let res = await fetch(`/api/v1${path}`, {
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
  if (res.status === 401 && (await refresh()))
    res = await fetch(`/api/v1${path}`, {
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    });
  if (!res.ok)
    throw new ApiError(
      res.status,
      'DOWNLOAD_FAILED',
      `The download failed (${res.status}): try again.`,
    );
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download =
    fileName ??
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
    'download';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
