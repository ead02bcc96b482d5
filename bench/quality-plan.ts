/**
 * bench:quality's tiers and goals (issue 10), and the summary of measured cells (one run of one instance
 * with one seed): shared by bench/quality.ts, which measures cells, and bench/device.ts, which splits them
 * over pairs of cores and merges what the pairs measured.
 */

export interface QualityTier {
  id: number;
  /** Instances of minCities..maxCities cities (inclusive) belong to this tier. */
  minCities: number;
  maxCities: number;
  budgetMs: number;
  goal: string;
  /** Only with --long (pla85900: two minutes a seed). */
  long: boolean;
}

export const QUALITY_TIERS: readonly QualityTier[] = [
  { id: 1, minCities: 1, maxCities: 1000, budgetMs: 5000, goal: 'every instance optimal in >= 2 of 3 seeds, mean gap <= 0.02 %', long: false },
  { id: 2, minCities: 1001, maxCities: 5000, budgetMs: 30_000, goal: 'mean gap <= 0.1 %, no instance above 0.2 %', long: false },
  { id: 3, minCities: 5001, maxCities: 18_512, budgetMs: 60_000, goal: 'mean gap <= 0.3 %', long: false },
  { id: 4, minCities: 18_513, maxCities: Number.MAX_SAFE_INTEGER, budgetMs: 120_000, goal: 'gap <= 0.8 %', long: true },
];

export function tierOf(n: number): QualityTier {
  return QUALITY_TIERS.find((tier) => n >= tier.minCities && n <= tier.maxCities)!;
}

/** The solve parameters a variant sets; absent ones are the orchestrator's defaults. */
export interface VariantParams {
  method?: string;
  scheme?: string;
}

/** One measured run. 'candidate' is what is being judged; 'baseline' the comparison measured in the same run. */
export interface QualityCell {
  instance: string;
  n: number;
  tier: number;
  seed: number;
  budgetMs: number;
  variant: 'candidate' | 'baseline';
  params: VariantParams;
  length: number;
  optimum: number;
  gapPercent: number;
  /** The greedy start tour's gap: the floor every solve must beat, free to measure. */
  startGapPercent: number;
  movesTried: number;
  slicesDone: number;
  /** Wall-clock time the run took, stop latency included. */
  wallMs: number;
}

export function describeParams(params: VariantParams): string {
  return `method ${params.method ?? 'default'}, scheme ${params.scheme ?? 'default'}`;
}

interface InstanceStats {
  instance: string;
  n: number;
  budgetMs: number;
  startGap: number;
  gaps: number[];
  mean: number;
  hits: number;
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const fixed = (value: number, digits = 3): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function byInstance(cells: QualityCell[]): InstanceStats[] {
  const groups = new Map<string, QualityCell[]>();
  for (const cell of cells) groups.set(cell.instance, [...(groups.get(cell.instance) ?? []), cell]);
  return [...groups.values()]
    .map((group) => {
      const sorted = [...group].sort((a, b) => a.seed - b.seed);
      const gaps = sorted.map((cell) => cell.gapPercent);
      return {
        instance: group[0].instance,
        n: group[0].n,
        budgetMs: group[0].budgetMs,
        startGap: group[0].startGapPercent,
        gaps,
        mean: mean(gaps),
        hits: sorted.filter((cell) => cell.length === cell.optimum).length,
      };
    })
    .sort((a, b) => a.n - b.n || a.instance.localeCompare(b.instance));
}

/** Whether a tier's instances meet its goal (issue 10), each instance judged on the mean of its seeds. */
function goalMet(tier: QualityTier, stats: InstanceStats[]): boolean {
  const tierMean = mean(stats.map((s) => s.mean));
  const worst = Math.max(...stats.map((s) => s.mean));
  switch (tier.id) {
    case 1:
      return stats.every((s) => s.hits >= Math.ceil((2 * s.gaps.length) / 3)) && tierMean <= 0.02;
    case 2:
      return tierMean <= 0.1 && worst <= 0.2;
    case 3:
      return tierMean <= 0.3;
    default:
      return worst <= 0.8;
  }
}

/**
 * The report: per variant, one row per instance (greedy start gap, each seed's gap, mean, optimum hits),
 * then one row per tier with its goal met or not; with a baseline, each tier's mean against it.
 */
export function summarizeQuality(cells: QualityCell[]): string[] {
  const lines: string[] = [];
  const variants = (['candidate', 'baseline'] as const).filter((variant) => cells.some((cell) => cell.variant === variant));
  const tierMeans = new Map<string, number>();
  for (const variant of variants) {
    const mine = cells.filter((cell) => cell.variant === variant);
    lines.push('', `${variant} (${describeParams(mine[0].params)}):`);
    lines.push('instance  |      n | budget | start gap % | gap % by seed               | mean gap % | optimal');
    const stats = byInstance(mine);
    for (const s of stats) {
      lines.push(
        `${s.instance.padEnd(9)} | ${String(s.n).padStart(6)} | ${String(s.budgetMs / 1000).padStart(4)} s | ${fixed(s.startGap, 2).padStart(11)} | ${s.gaps
          .map((gap) => fixed(gap))
          .join(' ')
          .padEnd(28)} | ${fixed(s.mean).padStart(10)} | ${s.hits} of ${s.gaps.length}`,
      );
    }
    lines.push('tier | cities        | budget | instances | mean gap % | worst mean % | goal                                                          | met');
    for (const tier of QUALITY_TIERS) {
      const inTier = stats.filter((s) => tierOf(s.n) === tier);
      if (inTier.length === 0) continue;
      const tierMean = mean(inTier.map((s) => s.mean));
      tierMeans.set(`${variant}:${tier.id}`, tierMean);
      const asSet = inTier.every((s) => s.budgetMs === tier.budgetMs && s.gaps.length >= 3);
      const range = tier.maxCities === Number.MAX_SAFE_INTEGER ? `> ${tier.minCities - 1}` : `${tier.minCities}-${tier.maxCities}`;
      lines.push(
        `${String(tier.id).padStart(4)} | ${range.padEnd(13)} | ${String(tier.budgetMs / 1000).padStart(4)} s | ${String(inTier.length).padStart(9)} | ${fixed(tierMean).padStart(10)} | ${fixed(Math.max(...inTier.map((s) => s.mean))).padStart(12)} | ${tier.goal.padEnd(61)} | ${goalMet(tier, inTier) ? 'yes' : 'no'}${asSet ? '' : ' (not the goal setting: other budget or < 3 seeds)'}`,
      );
    }
  }
  if (variants.length === 2) {
    lines.push('', 'tier | candidate mean gap % | baseline mean gap % | candidate / baseline');
    for (const tier of QUALITY_TIERS) {
      const candidate = tierMeans.get(`candidate:${tier.id}`);
      const baseline = tierMeans.get(`baseline:${tier.id}`);
      if (candidate === undefined || baseline === undefined) continue;
      lines.push(
        `${String(tier.id).padStart(4)} | ${fixed(candidate).padStart(20)} | ${fixed(baseline).padStart(19)} | ${baseline > 0 ? fixed(candidate / baseline, 2) : 'n/a'}`,
      );
    }
  }
  return lines;
}
