/**
 * How far each visitor got through a funnel, from the step hits of each visit in order: an event
 * completes the next step when it matches it, so repeats and events between steps change nothing,
 * and a later step seen before an earlier one is not counted. Visits are folded separately, so
 * steps spread over two visits never add up.
 */

/** One visit: its visitor and, in time order, a bit mask per event of the steps it matches (bit i: step i). */
export interface VisitHits {
  visitor: number;
  masks: Iterable<number>;
}

export function stepsReached(masks: Iterable<number>, steps: number): number {
  let reached = 0;
  for (const mask of masks) {
    if (reached < steps && (mask & (1 << reached)) !== 0) reached++;
  }
  return reached;
}

/** Visitors per step: a visitor counts at step n when one of their visits reached it. */
export function funnelVisitors(visits: Iterable<VisitHits>, steps: number): number[] {
  const best = new Map<number, number>();
  for (const visit of visits) {
    const reached = stepsReached(visit.masks, steps);
    if (reached > (best.get(visit.visitor) ?? 0)) best.set(visit.visitor, reached);
  }
  const counts = new Array<number>(steps).fill(0);
  for (const reached of best.values()) for (let step = 0; step < reached; step++) counts[step]!++;
  return counts;
}
