// S3 event `sequencer` values order the events of one object key: the greater hexadecimal value is the
// later event. They can differ in length, so the shorter is left-padded with zeros before comparing
// (as the S3 notification documentation prescribes). Events may arrive out of order — a retried or
// redriven message can bring an older upload after a newer one — and must not win over it.

const HEX = /^[0-9a-f]+$/i;

/** Negative when `a` is the earlier event, positive when later, 0 when equal or not comparable. */
export function compareSequencers(a: string, b: string): number {
  if (!HEX.test(a) || !HEX.test(b)) return 0;
  const width = Math.max(a.length, b.length);
  const pa = a.toUpperCase().padStart(width, '0');
  const pb = b.toUpperCase().padStart(width, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/** True when an event with `incoming` is older than the one the stored document came from. */
export function isOlderEvent(incoming: string | undefined, stored: string | undefined): boolean {
  return incoming !== undefined && stored !== undefined && compareSequencers(incoming, stored) < 0;
}
