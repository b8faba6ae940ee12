/**
 * Puts one simulator together from resolved options: the shared heap, the GC's shared state, the
 * main thread's participant, the phase runner (inline for one thread, the scheduler's parked
 * helpers otherwise), the GC controller and the mutator. `close()` stops every helper.
 */
import { Heap, C_TEST_FLAGS, type HeapGeometry } from '../heap/heap.ts';
import { PAGE_BYTES } from '../heap/layout.ts';
import { FREE_LIST_WORDS } from '../heap/spaces/free-list.ts';
import { GcShared } from '../gc/gc-shared.ts';
import { Participant } from '../gc/participant.ts';
import { InlineRunner, type PhaseRunner } from '../gc/phase-runner.ts';
import { GcController } from '../gc/gc-controller.ts';
import { verifyHeap } from '../gc/verifier.ts';
import { heapDigest } from '../gc/digest.ts';
import { Mutator } from '../mutator/mutator.ts';
import { BARRIER_VARIANTS } from '../mutator/write-barrier.ts';
import { COMPACTION_POLICIES } from '../gc/compaction-policy.ts';
import { workDistributionTag } from '../parallel/work-distribution.ts';
import { type GcOptions, OptionError, concurrentMarkerCount, resolveOptions } from '../options.ts';
import { SchedClock } from '../parallel/sched-clock.ts';
import { type HostLowering, type IdlePolicySetter, kernelThreadId, lowerHostThreads } from '../scheduler/host-threads.ts';
import { nowMs } from '../gc/phase-clock.ts';
import { startSchedulerRunner } from './scheduler-runner.ts';
import { Scheduler } from '../scheduler/scheduler.ts';

/**
 * The heap's pages from the options: the two semispaces, the old generation's limit, and
 * headroom for one mark-compact's evacuation (its quota) and each thread's LABs above the limit.
 */
export function heapGeometry(options: GcOptions): HeapGeometry {
  const quotaPages = Math.ceil((options.compactionQuotaMb * 1048576) / PAGE_BYTES);
  return {
    semiPages: options.maxSemiSpaceSize * 4,
    oldPages: Math.ceil(options.maxOldSpaceSize * 4),
    headroomPages: quotaPages + 2 * options.threads + 4,
    maxHandles: options.maxHandles,
  };
}

export class Simulator {
  private constructor(
    readonly options: GcOptions,
    readonly heap: Heap,
    readonly shared: GcShared,
    readonly runner: PhaseRunner,
    readonly gc: GcController,
    readonly mutator: Mutator,
    readonly originMs: number,
  ) {}

  /** The helpers went on to another simulator (see `reuseHelpersOf`): close() leaves them alone. */
  private helpersGivenAway = false;

  /**
   * Builds a simulator with a fresh heap. `reuseHelpersOf`: a simulator with the same thread
   * count whose helper threads this one takes over (rebound to the new heap, their optimised code
   * kept): how a measured run follows its warm-up. That simulator must not be used afterwards.
   * `faultInjectionForTesting`: new helpers run gc/fault-injection.ts (C_TEST_FAULT is obeyed).
   * `keepRoomBytes`: the heap's object area comes from a wasm memory with that much room left
   * after it (`scratchHeap` in experiments/warmup.ts). `after` (by default the heap of
   * `reuseHelpersOf`): a heap whose wasm memory the new heap's object area comes from if it can,
   * so that both have one `Heap.cas`.
   */
  static async create(partial: Partial<GcOptions> = {}, reuse: { reuseHelpersOf?: Simulator; faultInjectionForTesting?: boolean; keepRoomBytes?: number; after?: Simulator['heap'] } = {}): Promise<Simulator> {
    const options = resolveOptions(partial);
    checkMachineOptions(options);
    const donor = reuse.reuseHelpersOf;
    const donorRunner = donor !== undefined && donor.options.threads === options.threads && donor.runner instanceof Scheduler && donor.runner.dispatch === 'parked' ? donor.runner : null;
    const geometry = heapGeometry(options);
    const heap = Heap.create(geometry, FREE_LIST_WORDS, { keepRoomBytes: reuse.keepRoomBytes, after: reuse.after ?? donor?.heap });
    if (options.preTouch) heap.preTouch();
    const config = {
      threads: options.threads,
      steal: workDistributionTag(options.balance),
      labWords: (options.labSizeKb * 1024) / 4,
      zap: options.verifyHeap,
      helperJoin: options.helperJoin,
      recordPreemption: options.recordPreemption,
      recordPageFaults: options.recordPageFaults,
      parallelScavenge: options.parallelScavenge,
      parallelMarking: options.parallelMarking,
      casForwarding: options.casForwarding,
      atomicMarking: options.atomicMarking,
      ownerMarking: options.ownerMarking,
      ownerScavenging: options.ownerScavenging,
      threadMarkBitmaps: options.threadMarkBitmaps,
    };
    let runner: PhaseRunner;
    let shared: GcShared;
    if (donor !== undefined && donorRunner !== null) {
      donor.gc.stopHelpers();
      shared = GcShared.create(heap, config, { heartbeat: donor.shared.heartbeat, stats: donor.shared.stats });
      await donorRunner.rebind(shared.buffers);
      donorRunner.helperJoin = options.helperJoin;
      donor.helpersGivenAway = true;
      runner = donorRunner;
    } else {
      shared = GcShared.create(heap, config);
      runner = options.threads === 1 ? new InlineRunner() : await startSchedulerRunner(shared, options, reuse.faultInjectionForTesting === true);
    }
    // Under the lazy wake, a long phase wakes its helpers only if it has work they could take.
    if (runner instanceof Scheduler) runner.sharedWork = shared;
    if (options.threads > 1) heap.keepRangeUntilReleased();
    const main = new Participant(shared, 0);
    const originMs = nowMs();
    const gc = new GcController(shared, runner, main, originMs, {
      initialOldLimitBytes: options.initialOldSpaceSize * 1048576,
      maxOldBytes: options.maxOldSpaceSize * 1048576,
      growingFactor: options.heapGrowingFactor,
      policy: {
        neverCompact: options.neverCompact,
        fragmentationPercent: options.compactionFragmentationPercent,
        quotaBytes: options.compactionQuotaMb * 1048576,
        parallelCompaction: options.parallelCompaction,
        select: COMPACTION_POLICIES[options.compactionPolicy].select,
      },
      headroomPages: geometry.headroomPages,
      incrementalMarking: options.incrementalMarking,
      concurrentMarkers: concurrentMarkerCount(options),
      greyYoungAreRoots: BARRIER_VARIANTS[options.barrier].greyYoungAreRoots,
      concurrentSweeping: options.concurrentSweeping,
      measureFloatingGarbage: options.verifyHeap,
    });
    if (options.verifyHeap) gc.verifier = () => verifyHeap(heap);
    const mutator = new Mutator(heap, gc, BARRIER_VARIANTS[options.barrier], options.allocationSitePretenuring, options.newSpacePages);
    return new Simulator(options, heap, shared, runner, gc, mutator, originMs);
  }

  /**
   * Verifies the heap now: publishes the mutator's state and stops the helpers' background work
   * first (a page half swept is not a heap anyone may walk; V8 completes sweeping before it
   * verifies), then lets that work go on.
   */
  verify(): string[] {
    return this.withHelpersStopped(() => verifyHeap(this.heap));
  }

  /** The heap digest (DESIGN §4) now, with the helpers' background work stopped meanwhile. */
  digest(): string {
    return this.withHelpersStopped(() => heapDigest(this.heap).digest);
  }

  private withHelpersStopped<T>(fn: () => T): T {
    this.gc.stopHelpers();
    this.mutator.prepareForGc();
    try {
      return fn();
    } finally {
      this.gc.resumeHelpers();
    }
  }

  /**
   * Who takes part in the next stop-the-world phases (`--helper-join`), between GCs: the
   * scheduler's wake-up and termination's count change together. The warm-up runs its program
   * with every helper in every phase, then the workload in the measured run's mode.
   */
  setHelperJoin(mode: 'dynamic' | 'all'): void {
    if (this.runner instanceof Scheduler) this.runner.helperJoin = mode;
    this.shared.helperJoin = mode;
  }

  /**
   * Whether the next scavenges use the helpers (option parallelScavenge), between GCs: a bench
   * can promote a graph on the main thread alone at every thread count, so that all of them then
   * mark or compact the same heap. Only the main thread's configuration changes: helpers are
   * never woken for a scavenge without it, and one that scavenges forwards with the CAS.
   */
  setParallelScavenge(on: boolean): void {
    this.shared.config.parallelScavenge = on;
  }

  /**
   * Whether the next scavenges split from-space among their threads (option ownerScavenging, where
   * the run allows it), between GCs: a bench can promote a graph with V8's scavenge and mark it
   * with owner marking, so that it marks the heap the default configuration marks. Only the main
   * thread's configuration changes: the helpers learn it from the control block at each scavenge.
   */
  setOwnerScavenging(on: boolean): void {
    this.shared.config.ownerScavenging = on;
  }

  /**
   * Whether the next stop-the-world marks use the helpers (option parallelMarking), between GCs: a
   * figure can mark a heap that parallel scavenges laid out with the main thread alone. Mark bits
   * stay atomic at threads > 1, as they are for every marker there.
   */
  setParallelMarking(on: boolean): void {
    this.shared.config.parallelMarking = on;
  }

  /**
   * Gives every other thread of the process the nice value of option hostNice and, with hostSched
   * idle, the policy SCHED_IDLE (scheduler/host-threads.ts): the collector's threads are the
   * calling one, which runs the mutator, and the helpers. Returns how many threads were lowered.
   * `setter`: the shell that sets SCHED_IDLE, started before the heaps were made (without one,
   * chrt is started now, and this process's pages fault once more on their next write).
   */
  lowerHostThreads(setter: IdlePolicySetter | null = null): Promise<HostLowering> {
    return lowerHostThreads(this.collectorThreadIds(), this.options.hostNice, this.options.hostSched, setter);
  }

  /**
   * Kernel thread ids of this simulator's collector threads: the calling thread (the mutator's)
   * and the helpers. Empty where they cannot all be known (not Linux), so that nothing is lowered
   * by mistake. A process with several simulators keeps the union of theirs.
   */
  collectorThreadIds(): number[] {
    const ids = [kernelThreadId()];
    if (this.runner instanceof Scheduler) ids.push(...this.runner.helperKernelTids());
    return ids.includes(-1) ? [] : ids;
  }

  /** ForTesting: switch off a safety mechanism (TEST_* flags of heap.ts) on every thread. */
  setTestFlagsForTesting(flags: number): void {
    this.heap.ctl[C_TEST_FLAGS] = flags;
  }

  /**
   * Stops the helpers (unless they went on to another simulator), then gives the heap's ranges
   * (object area, bitmaps) back to their arenas; if the helpers could not be stopped, they stay
   * theirs. A second call returns the first's promise, so nothing is given back while the first
   * still waits.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.helpersGivenAway) await this.runner.close();
      this.heap.release();
    })();
    return this.closing;
  }
  private closing: Promise<void> | null = null;
}

/** Options this machine cannot honour: a one-line OptionError. */
export function checkMachineOptions(options: GcOptions): void {
  if (options.recordPreemption && !SchedClock.available()) {
    throw new OptionError('recordPreemption needs /proc/thread-self/schedstat (Linux with scheduler statistics), which this machine does not have');
  }
}
