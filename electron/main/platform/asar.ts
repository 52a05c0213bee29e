/**
 * The path of a file that electron-builder unpacked (`asarUnpack`) next to app.asar. A worker
 * thread must start from the real file: Node's loader in a worker does not read inside app.asar
 * (electron/electron#22446), and its relative and package imports then resolve in the unpacked
 * tree, which electron-builder.yml keeps complete for the job worker.
 */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
