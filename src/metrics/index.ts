/**
 * The metrics layer's public surface: result types, pause statistics, MMU/BMU, load balance,
 * trial summaries and the run summary. Pure functions on plain data; nothing here imports the
 * rest of src/. Definitions: docs/metrics.md.
 */

export type * from './result.ts';
export { PAUSE_PERCENTILES, emptyPauseSummary, pauseSummary, percentileLinear, percentileNearestRank } from './pauses.ts';
export {
  bmuAt,
  bmuCurve,
  compileTimeline,
  defaultWindows,
  mmuAndBmu,
  mmuAt,
  mmuCurve,
  overallUtilization,
  worstWindow,
  type PauseInterval,
  type UtilSegment,
  type UtilizationProfile,
  type UtilizationTimeline,
  type WorstWindow,
} from './mmu.ts';
export {
  efficiency,
  imbalanceStats,
  loadImbalance,
  phaseImbalance,
  speedup,
  type ImbalanceStats,
  type PhaseImbalance,
} from './imbalance.ts';
export {
  DISAGREE_FRACTION,
  disagreementWarning,
  flattenRunSummary,
  median,
  summarizeTrials,
  trialStats,
  type TrialStats,
  type TrialsSummary,
} from './trials.ts';
export {
  BOOTSTRAP_RESAMPLES,
  BOOTSTRAP_SEED,
  CI_LEVEL,
  CI_METHOD,
  STATISTICS_METHOD,
  bootstrapMedianCi,
  bootstrapRatioCi,
  geometricMean,
  medianOf,
  ratioVerdict,
  type Interval,
  type RatioFigure,
  type RatioVerdict,
  type StatisticsMethod,
} from './intervals.ts';
export { GC_TYPES, summarizeRun, timelineFromEvents, utilizationTimeline, workPerGc, type SummaryExtra, type WorkPerGc } from './summary.ts';
export { GcTracer, isMutatorStopped, mainThreadGcMs, type IntervalKind, type TimelineInterval } from './gc-tracer.ts';
export { attachHostGc, hostGcKind, hostGcWithin, type HostGc, type HostGcInPause, type HostGcKind, type HostGcSummary } from './host-gc.ts';
