import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KeelError } from '@shared/errors';
import { useLoader } from './useLoader';

/** Calls the test answers by hand, in any order. */
function manualLoads<T>() {
  const pending: Array<{ resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  const load = () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
  return { load, pending };
}

describe('useLoader', () => {
  it('drops a slow old answer that arrives after a newer key was asked for', async () => {
    const { load, pending } = manualLoads<string>();
    const { result, rerender } = renderHook(({ k }) => useLoader(load, k), {
      initialProps: { k: 'a' as string | null },
    });
    expect(result.current.loading).toBe(true);
    rerender({ k: 'b' });
    await act(async () => pending[1]!.resolve('answer for b'));
    await act(async () => pending[0]!.resolve('late answer for a'));
    expect(result.current.data).toBe('answer for b');
    expect(result.current.loading).toBe(false);
  });

  it('keeps the last data when a reload fails, with the error beside it', async () => {
    const { load, pending } = manualLoads<string>();
    const { result } = renderHook(() => useLoader(load, 'k'));
    await act(async () => pending[0]!.resolve('v1'));
    let reloaded!: Promise<void>;
    act(() => {
      reloaded = result.current.reload();
    });
    expect(result.current.loading).toBe(true);
    await act(async () => {
      pending[1]!.reject(new KeelError('TIMEOUT', 'no answer'));
      await reloaded;
    });
    expect(result.current.data).toBe('v1');
    expect(result.current.error?.code).toBe('TIMEOUT');
    expect(result.current.loading).toBe(false);
  });

  it('loads nothing for a null key and ignores an answer still in flight', async () => {
    const { load, pending } = manualLoads<string>();
    const { result, rerender } = renderHook(({ k }) => useLoader(load, k), {
      initialProps: { k: 'a' as string | null },
    });
    rerender({ k: null });
    await act(async () => pending[0]!.resolve('too late'));
    expect(result.current).toMatchObject({ data: undefined, loading: false, error: undefined });
    expect(pending).toHaveLength(1);
  });

  it('does not set state after unmount', async () => {
    const { load, pending } = manualLoads<string>();
    const { result, unmount } = renderHook(() => useLoader(load, 'a'));
    unmount();
    await act(async () => pending[0]!.resolve('after unmount'));
    await waitFor(() => expect(result.current.data).toBeUndefined());
  });
});
