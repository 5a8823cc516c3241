/** Occurrences of each id in an interactions column (rows per user, rows per item). */
export function countBy(ids: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let r = 0; r < ids.length; r++) counts.set(ids[r], (counts.get(ids[r]) ?? 0) + 1);
  return counts;
}
