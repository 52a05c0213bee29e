import { useRef, type ReactNode, type RefObject } from 'react';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';

export interface VirtualRows {
  /** The scroll box (the `.table-wrap` around the table). */
  scrollRef: RefObject<HTMLDivElement | null>;
  /** The rows in view plus a margin, by index into the caller's rows. */
  items: VirtualItem[];
  /** Spacer rows before and after them: the table keeps its full height, so the scrollbar is true. */
  before: ReactNode;
  after: ReactNode;
}

/**
 * A virtualized table body with a sticky header (TanStack Virtual): only the rows in view are in
 * the DOM, between two spacer rows. Row and header heights are fixed by the table's CSS and must
 * match `rowHeight` / `headerHeight`.
 */
export function useVirtualRows({
  count,
  rowHeight,
  headerHeight,
  columns,
  keyOf,
}: {
  count: number;
  rowHeight: number;
  headerHeight: number;
  /** Columns the spacer cells span. */
  columns: number;
  keyOf: (index: number) => string | number;
}): VirtualRows {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The React Compiler is not used here; the virtualizer's functions are only called in render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: keyOf,
    overscan: 12,
    // The rows start below the sticky header.
    scrollMargin: headerHeight,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items.at(-1);
  const padTop = first ? first.start - headerHeight : 0;
  const padBottom = last ? virtualizer.getTotalSize() - (last.end - headerHeight) : 0;
  return {
    scrollRef,
    items,
    before: <SpacerRow height={padTop} columns={columns} />,
    after: <SpacerRow height={padBottom} columns={columns} />,
  };
}

function SpacerRow({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr className="spacer-row" aria-hidden="true" style={{ height }}>
      <td colSpan={columns} />
    </tr>
  );
}
