import { memo } from 'react';
import { Line, LineChart, YAxis } from 'recharts';

export interface SparkPoint {
  at: string;
  latencyMs: number | null;
}

/**
 * A small latency line without axes or animation. Failed probes (null) stay gaps, so an outage is
 * visible as a break rather than a line drawn through it.
 */
export const Sparkline = memo(function Sparkline({
  points,
  label,
  width = 120,
  height = 28,
}: {
  points: readonly SparkPoint[];
  label: string;
  width?: number;
  height?: number;
}) {
  return (
    <div className="sparkline" role="img" aria-label={label} style={{ width, height }}>
      {points.length > 1 && (
        <LineChart
          width={width}
          height={height}
          data={points as SparkPoint[]}
          margin={{ top: 2, right: 2, bottom: 2, left: 2 }}
          accessibilityLayer={false}
        >
          <YAxis hide domain={[0, 'dataMax']} />
          <Line
            type="monotone"
            dataKey="latencyMs"
            stroke="var(--accent)"
            strokeWidth={1.5}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      )}
    </div>
  );
});
