import type { Alert } from '../../../../shared/alerts';

/**
 * Where a console has read up to in an environment's alerts, by `updatedAt` (epoch ms), and
 * which firings it has announced. Several alerts often share a millisecond (one evaluation
 * writes every change with the same clock), so the store is read from the cursor inclusively
 * and what was already seen at that millisecond is skipped: no change is missed, none is taken
 * twice, and each firing is announced once.
 */
export class ChangeCursor {
  private at: number;
  /** `id@updatedAt` of the changes seen at exactly `at`. */
  private edge = new Set<string>();
  /** The firing each alert was last announced for (alert id → firingAt). */
  private announced = new Map<string, string>();

  constructor(startMs: number) {
    this.at = startMs;
  }

  /** Read the store from here, inclusively (`updatedAt >= since`). */
  get since(): number {
    return this.at;
  }

  /**
   * Take what a read from `since` returned: the changes not seen before, and of them the
   * alerts that started firing since the previous read and are not silenced (to announce).
   */
  take(read: readonly Alert[]): { changed: Alert[]; fired: Alert[] } {
    const from = this.at;
    const changed = read.filter((a) => !this.edge.has(key(a)) && Date.parse(a.updatedAt) >= from);
    const fired: Alert[] = [];
    for (const a of changed) {
      const firingAt = a.firingAt ? Date.parse(a.firingAt) : Number.NaN;
      if (a.state === 'resolved') this.announced.delete(a.id);
      else if (
        a.state === 'firing' &&
        !a.silenced &&
        firingAt >= from &&
        this.announced.get(a.id) !== a.firingAt
      ) {
        this.announced.set(a.id, a.firingAt ?? '');
        fired.push(a);
      }
    }
    for (const a of changed) {
      const t = Date.parse(a.updatedAt);
      if (t > this.at) {
        this.at = t;
        this.edge.clear();
      }
      if (t === this.at) this.edge.add(key(a));
    }
    return { changed, fired };
  }
}

const key = (a: Alert): string => `${a.id}@${a.updatedAt}`;
