export interface BenchTarget {
  name: string;
  want: string;
  actual: string;
  met: boolean;
}

export interface BenchReport {
  rows: Array<Record<string, string | number>>;
  targets?: BenchTarget[];
  notes?: string[];
}

/** Peak resident memory of this process so far, in MB (Linux reports maxRSS in kB). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
