import { spawn, spawnSync } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createGunzip, createGzip, constants as zc } from 'node:zlib';

export type Compression = 'zstd' | 'gzip';

export const EXTENSION: Record<Compression, string> = { zstd: 'zst', gzip: 'gz' };

let zstdAvailable: boolean | undefined;

/**
 * zstd when Debian's `zstd` tool is on the PATH (level 1, one thread per chunk: the chunks are
 * already compressed in parallel by the workers), else gzip level 1 from node:zlib.
 */
export function defaultCompression(): Compression {
  zstdAvailable ??= spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
  return zstdAvailable ? 'zstd' : 'gzip';
}

/** A streaming (de)compressor: write into `input`, read from `output`; `done` settles at its end. */
export interface Codec {
  input: Writable;
  output: Readable;
  done: Promise<void>;
  kill(): void;
}

export function compressor(kind: Compression): Codec {
  return kind === 'zstd'
    ? zstdProcess(['-q', '-1', '-T1', '-c'])
    : zlibCodec(createGzip({ level: 1, memLevel: zc.Z_DEFAULT_MEMLEVEL }));
}

export function decompressor(kind: Compression): Codec {
  return kind === 'zstd' ? zstdProcess(['-q', '-d', '-c']) : zlibCodec(createGunzip());
}

function zstdProcess(args: string[]): Codec {
  const child = spawn('zstd', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-500)));
  // A killed pipeline closes stdin early; the error surfaces through `done`, not as a crash.
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(new Error(`zstd ${signal ?? `exit ${code}`}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
  return {
    input: child.stdin,
    output: child.stdout,
    done,
    kill: () => void child.kill('SIGKILL'),
  };
}

function zlibCodec(t: ReturnType<typeof createGzip>): Codec {
  const done = new Promise<void>((resolve, reject) => {
    t.on('end', resolve);
    t.on('error', reject);
    t.on('close', () => resolve());
  });
  return { input: t, output: t, done, kill: () => t.destroy() };
}
