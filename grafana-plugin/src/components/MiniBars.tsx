import React from 'react';
import type { Feature } from '../data/model';

interface Props {
  feature: Feature;
  width: number;
  height: number;
  referenceColor: string;
  currentColor: string;
  /** At most this many bins (categorical features: the largest contributions). */
  maxBins?: number;
}

/** Sparkline-sized reference (outline) vs current (filled) shares, for lists and small multiples. */
export function MiniBars({ feature, width, height, referenceColor, currentColor, maxBins = 16 }: Props): React.ReactElement {
  const bins = feature.bins.slice(0, maxBins);
  const max = Math.max(1e-12, ...bins.flatMap((b) => [b.currentShare, b.referenceShare ?? 0]));
  const slot = width / Math.max(1, bins.length);
  const h = (v: number) => (v / max) * (height - 1);
  return (
    <svg width={width} height={height} aria-hidden="true" data-testid="mini-bars" style={{ display: 'block', flex: '0 0 auto' }}>
      {bins.map((b, i) => (
        <g key={b.key}>
          {b.referenceShare !== null && (
            <rect x={i * slot + slot * 0.1} y={height - h(b.referenceShare)} width={slot * 0.8} height={h(b.referenceShare)} fill={referenceColor} fillOpacity={0.35} />
          )}
          <rect x={i * slot + slot * 0.3} y={height - h(b.currentShare)} width={slot * 0.4} height={h(b.currentShare)} fill={currentColor} />
        </g>
      ))}
    </svg>
  );
}
