/**
 * Which lines of two texts differ (a longest-common-subsequence diff by line): the router
 * page marks them on both sides of stored against running config. Configs are a few hundred
 * lines, so the quadratic table is small.
 */
export function changedLines(
  a: readonly string[],
  b: readonly string[],
): { a: boolean[]; b: boolean[] } {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * w + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
  const outA = new Array<boolean>(n).fill(true);
  const outB = new Array<boolean>(m).fill(true);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      outA[i++] = false;
      outB[j++] = false;
    } else if ((lcs[(i + 1) * w + j] as number) >= (lcs[i * w + j + 1] as number)) i++;
    else j++;
  }
  return { a: outA, b: outB };
}
