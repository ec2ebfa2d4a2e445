// Media files of a number, kept under the data folder: inbound media is downloaded here and the
// conversation gets a reference (`media/<numberId>/<file>`), never the bytes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
};

/** The MIME type a stored file's extension stands for (`application/octet-stream` when unknown). */
export function mimeOfRef(ref: string): string {
  const ext = ref.split('.').pop()?.toLowerCase();
  if (ext === 'jpeg') return 'image/jpeg';
  const found = Object.entries(EXTENSIONS).find(([, e]) => e === ext);
  return found?.[0] ?? 'application/octet-stream';
}

function extensionOf(mimeType: string, fileName?: string): string {
  const fromName = fileName?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1];
  return (fromName ?? EXTENSIONS[mimeType.split(';')[0]?.trim() ?? ''] ?? 'bin').toLowerCase();
}

export class MediaStorage {
  constructor(private readonly dataDir: string) {}

  /** Stores `data` for the message and returns its reference. */
  async save(
    numberId: string,
    messageId: string,
    media: { data: Buffer; mimeType: string; fileName?: string },
  ): Promise<string> {
    const safeId = messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(-120);
    const ref = `media/${numberId}/${safeId}.${extensionOf(media.mimeType, media.fileName)}`;
    const path = this.pathOf(ref);
    await mkdir(join(this.dataDir, 'media', numberId), { recursive: true });
    await writeFile(path, media.data);
    return ref;
  }

  /** The file behind a reference; refuses anything outside the media folder. */
  pathOf(ref: string): string {
    const path = normalize(join(this.dataDir, ref));
    if (!ref.startsWith('media/') || !path.startsWith(join(this.dataDir, 'media') + sep)) {
      throw new Error(`"${ref}" is not a media reference of this data folder`);
    }
    return path;
  }

  read(ref: string): Promise<Buffer> {
    return readFile(this.pathOf(ref));
  }
}

export function isMediaRef(value: string): boolean {
  return value.startsWith('media/');
}
