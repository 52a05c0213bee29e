import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file and directory under `dir`, at any depth, by relative path (a directory as ''), so a
 * comparison sees a file changed, added or removed in a sub-folder as well as at the top.
 */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = join(e.parentPath, e.name);
    out[full.slice(dir.length + 1)] = e.isDirectory() ? '' : await readFile(full, 'base64');
  }
  return out;
}
