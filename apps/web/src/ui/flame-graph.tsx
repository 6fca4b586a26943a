/** A profile's call tree as a flame graph (widths by total share; hover or focus for details). */
import { useState } from 'preact/hooks';
import type { ProfileSummary } from '@cdc/api';
import { flameBoxes } from '../lib/flame.js';

const H = 20;

export function FlameGraph({ profile }: { profile: ProfileSummary }) {
  const boxes = flameBoxes(profile.tree);
  const depth = boxes.reduce((d, b) => Math.max(d, b.depth), 0) + 1;
  const [picked, setPicked] = useState<string>('');
  return (
    <div>
      <p class="muted">
        {profile.samples} samples over {Math.round(profile.duration_ms)} ms (
        {Math.round(profile.total_ms)} ms busy, {Math.round(profile.idle_ms)} ms idle). {picked}
      </p>
      <div class="flame" style={{ height: `${depth * H}px` }} data-testid="flame">
        {boxes.map((b, i) => {
          const text = `${b.name} ${b.where} — ${b.total.toFixed(1)} % total, ${b.self.toFixed(1)} % self`;
          return (
            <div
              key={i}
              class="fbox"
              tabIndex={0}
              title={text}
              onMouseEnter={() => setPicked(text)}
              onFocus={() => setPicked(text)}
              style={{
                left: `${b.x * 100}%`,
                width: `${b.w * 100}%`,
                top: `${b.depth * H}px`,
                background: `hsl(${20 + ((b.name.length * 37) % 40)}, 85%, ${62 - (b.depth % 3) * 6}%)`,
              }}
            >
              {b.w > 0.03 ? b.name : ''}
            </div>
          );
        })}
      </div>
    </div>
  );
}
