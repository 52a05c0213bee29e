import { describe, expect, it } from 'vitest';
import { unpackedPath } from './asar';

describe('unpackedPath', () => {
  it('points a packaged file at app.asar.unpacked on Linux, macOS and Windows', () => {
    expect(unpackedPath('/opt/Keel/resources/app.asar/out/main/job-thread.js')).toBe(
      '/opt/Keel/resources/app.asar.unpacked/out/main/job-thread.js',
    );
    expect(
      unpackedPath('C:\\Program Files\\Keel\\resources\\app.asar\\out\\main\\job-thread.js'),
    ).toBe('C:\\Program Files\\Keel\\resources\\app.asar.unpacked\\out\\main\\job-thread.js');
  });

  it('leaves an unpackaged (dev) path and look-alike folder names alone', () => {
    expect(unpackedPath('/src/keel/out/main/job-thread.js')).toBe(
      '/src/keel/out/main/job-thread.js',
    );
    expect(unpackedPath('/opt/my.app.asar.d/out/main/job-thread.js')).toBe(
      '/opt/my.app.asar.d/out/main/job-thread.js',
    );
  });
});
