/**
 * A profile's call tree as flame graph boxes: each frame's width its share of the whole
 * (total percent), its children laid left to right under it. Boxes narrower than `minWidth`
 * are dropped, with their subtrees.
 */
import type { TreeNode } from '@cdc/api';

export interface FlameBox {
  /** 0…1 of the graph's width. */
  x: number;
  w: number;
  depth: number;
  name: string;
  where: string;
  total: number;
  self: number;
}

export function flameBoxes(root: TreeNode, minWidth = 0.002): FlameBox[] {
  const out: FlameBox[] = [];
  const base = root.total_percent > 0 ? root.total_percent : 100;
  const walk = (n: TreeNode, x: number, depth: number): void => {
    const w = n.total_percent / base;
    if (w < minWidth) return;
    out.push({
      x,
      w,
      depth,
      name: n.name === '' ? '(anonymous)' : n.name,
      where: n.url === '' ? '' : `${n.url}${n.line > 0 ? `:${n.line}` : ''}`,
      total: n.total_percent,
      self: n.self_percent,
    });
    let cx = x;
    for (const c of [...n.children].sort((a, b) => b.total_percent - a.total_percent)) {
      walk(c, cx, depth + 1);
      cx += c.total_percent / base;
    }
  };
  walk(root, 0, 0);
  return out;
}
