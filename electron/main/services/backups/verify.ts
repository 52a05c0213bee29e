import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupFile, VerifyProblem, VerifyReport } from '../../../../shared/backups';
import { isKeelError } from '../../../../shared/errors';
import { MANIFEST, manifestFiles, parseManifest, type BackupStorage } from './storage';

/**
 * Re-read a backup against its manifest: the manifest's own hash and format, then every file's
 * presence, size and SHA-256. Reports every problem found, not only the first.
 */
export async function verifyBackup(
  storage: BackupStorage,
  id: string,
  signal?: AbortSignal,
): Promise<VerifyReport> {
  const dir = storage.dirOf(id);
  const at = new Date().toISOString();
  const problems: VerifyProblem[] = [];
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({
      file: MANIFEST,
      kind: missing ? 'missing' : 'unreadable',
      message: missing ? 'the manifest is missing' : (e as Error).message,
    });
    return { id, ok: false, at, filesChecked: 0, bytesChecked: 0, problems };
  }
  let files: BackupFile[];
  try {
    const m = parseManifest(text);
    if (m.id !== id) throw new Error(`the manifest belongs to backup ${m.id}`);
    files = manifestFiles(m);
  } catch (e) {
    problems.push({
      file: MANIFEST,
      kind: 'manifest',
      message: isKeelError(e) || e instanceof Error ? e.message : String(e),
    });
    return { id, ok: false, at, filesChecked: 1, bytesChecked: text.length, problems };
  }
  let bytes = 0;
  for (const f of files) {
    signal?.throwIfAborted();
    const path = join(dir, f.file);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) {
      problems.push({ file: f.file, kind: 'missing', message: 'the file is missing' });
      continue;
    }
    if (st.size !== f.size) {
      problems.push({
        file: f.file,
        kind: 'size',
        message: `${st.size} bytes, the manifest says ${f.size}`,
      });
      continue;
    }
    try {
      const sha = await sha256Of(path, signal);
      bytes += st.size;
      if (sha !== f.sha256)
        problems.push({
          file: f.file,
          kind: 'sha256',
          message: `SHA-256 ${sha.slice(0, 12)}…, the manifest says ${f.sha256.slice(0, 12)}…`,
        });
    } catch (e) {
      signal?.throwIfAborted();
      problems.push({ file: f.file, kind: 'unreadable', message: (e as Error).message });
    }
  }
  return {
    id,
    ok: problems.length === 0,
    at,
    filesChecked: files.length + 1,
    bytesChecked: bytes,
    problems,
  };
}

async function sha256Of(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) {
    h.update(chunk as Buffer);
  }
  return h.digest('hex');
}
