import type { CandidateRecord } from '../../contract/types.ts';
import { SHAPES, halfLog, halfPow } from './powers.ts';

/** pace's reading of the list: one pass that summarises what the model needs. */

/** The bins of ln delay: half a minute (ln ½) to about 90 days, half a unit of ln wide (a factor 1.65). */
const BIN_FROM = Math.log(0.5);
const BIN_WIDTH = 0.5;
export const BINS = 25;

/**
 * What the model reads from the list. Pending invitations are grouped by age: a batch goes
 * out at one call, so its pending records share their age and sit together in the list.
 */
export class ListSummary {
  hires = 0;
  nonHires = 0;
  /** Σ ln(delay) and Σ delay^k per shape, delays taken at the middle of their whole minute. */
  sumLog = 0;
  sumLog2 = 0;
  readonly sumPow = new Float64Array(SHAPES.length);
  /**
   * Answers by ln delay in bins of `BIN_WIDTH` from `BIN_FROM` (the outer bins open-ended):
   * count, Σ ln delay and Σ ln² delay per bin, what the two-scale delay mixture reads.
   */
  readonly binCount = new Float64Array(BINS);
  readonly binSum = new Float64Array(BINS);
  readonly binSum2 = new Float64Array(BINS);
  groups = 0;
  groupAge = new Float64Array(64);
  groupCount = new Float64Array(64);
  /** ln age of each group, for the log-normal. */
  groupLogAge = new Float64Array(64);
  pending = 0;

  get answered(): number {
    return this.hires + this.nonHires;
  }

  /** Answers per whole minute of delay, so that powers are taken once per distinct delay. */
  private perMinute = new Float64Array(1024);
  /** The distinct minutes in order of first appearance (the order of the sums), no array growing per call. */
  private minutes = new Int32Array(1024);

  read(list: readonly CandidateRecord[]): this {
    this.sumLog = 0;
    this.sumLog2 = 0;
    this.sumPow.fill(0);
    this.binCount.fill(0);
    this.binSum.fill(0);
    this.binSum2.fill(0);
    this.groups = 0;
    // Counters in locals, and the open group's count kept as a run until the group closes:
    // the loop body then stores nothing but the per-minute tally (this is the pass that
    // grows with the list).
    let hires = 0;
    let nonHires = 0;
    let pending = 0;
    let run = 0;
    let lastAge = -1;
    let distinct = 0;
    const perMinute = this.perMinute;
    const minutesSeen = this.minutes;
    const tallied = perMinute.length;
    for (let i = 0; i < list.length; i++) {
      const record = list[i] as CandidateRecord;
      const minutes = record.time_to_respond_ir_minutes;
      if (record.notification_status === 'ir_pending') {
        pending++;
        if (minutes === lastAge) run++;
        else {
          if (this.groups > 0) this.groupCount[this.groups - 1] = run;
          this.addGroup(minutes, 1);
          run = 1;
        }
        lastAge = minutes;
        continue;
      }
      if (record.candidate_status === 'offer_accepted') hires++;
      else nonHires++;
      const m = Math.max(0, minutes);
      if (Number.isInteger(m) && m < tallied) {
        if (perMinute[m] === 0) minutesSeen[distinct++] = m;
        perMinute[m] = (perMinute[m] as number) + 1;
      } else {
        this.addAnswers(m, 1);
      }
    }
    if (this.groups > 0) this.groupCount[this.groups - 1] = run;
    this.hires = hires;
    this.nonHires = nonHires;
    this.pending = pending;
    for (let i = 0; i < distinct; i++) {
      const m = minutesSeen[i] as number;
      this.addAnswers(m, perMinute[m] as number);
      perMinute[m] = 0;
    }
    return this;
  }


  private addAnswers(minutes: number, count: number): void {
    const h = 2 * minutes + 1;
    const l = halfLog(h);
    this.sumLog += count * l;
    this.sumLog2 += count * l * l;
    const b = Math.min(BINS - 1, Math.max(0, Math.floor((l - BIN_FROM) / BIN_WIDTH)));
    this.binCount[b] = (this.binCount[b] as number) + count;
    this.binSum[b] = (this.binSum[b] as number) + count * l;
    this.binSum2[b] = (this.binSum2[b] as number) + count * l * l;
    for (let j = 0; j < SHAPES.length; j++) this.sumPow[j] = (this.sumPow[j] as number) + count * halfPow(j, h);
  }

  private addGroup(age: number, count: number): void {
    if (this.groups === this.groupAge.length) {
      const ages = new Float64Array(this.groups * 2);
      ages.set(this.groupAge);
      const counts = new Float64Array(this.groups * 2);
      counts.set(this.groupCount);
      const logs = new Float64Array(this.groups * 2);
      logs.set(this.groupLogAge);
      this.groupLogAge = logs;
      this.groupAge = ages;
      this.groupCount = counts;
    }
    this.groupAge[this.groups] = Math.max(0, age);
    this.groupLogAge[this.groups] = age > 0 ? halfLog(2 * age) : Number.NEGATIVE_INFINITY;
    this.groupCount[this.groups] = count;
    this.groups++;
  }
}
