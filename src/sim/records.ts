import type { CandidateRecord, CandidateStatus, NotificationStatus } from '../contract/types.ts';

/** The simulated time of the current call, in minutes from the case's start. */
export class SimClock {
  t = 0;
}

/**
 * One invited candidate as the engine sees it. Its fields are computed from the shared
 * clock when read, so advancing time updates every record at once: the harness's cost per
 * call stays constant however many candidates are out. `toJSON` gives the plain record,
 * so an engine that serialises its request (to forward it to a service) sees the contract.
 */
export class LiveCandidateRecord implements CandidateRecord {
  readonly #clock: SimClock;
  readonly #invitedAt: number;
  /** Minutes from start when the answer becomes visible; `Infinity` for never. */
  readonly #answerAt: number;
  readonly #answeredMinutes: number;
  readonly #answeredNotification: NotificationStatus;
  readonly #answeredCandidate: CandidateStatus;

  constructor(clock: SimClock, invitedAt: number, delay: number, accepted: boolean, offerAccepted: boolean) {
    this.#clock = clock;
    this.#invitedAt = invitedAt;
    this.#answerAt = invitedAt + delay;
    this.#answeredMinutes = Number.isFinite(delay) ? Math.floor(delay) : 0;
    this.#answeredNotification = accepted ? 'ir_accepted' : 'ir_rejected';
    this.#answeredCandidate = accepted && offerAccepted ? 'offer_accepted' : 'cancelled';
  }

  get notification_status(): NotificationStatus {
    return this.#clock.t >= this.#answerAt ? this.#answeredNotification : 'ir_pending';
  }

  get candidate_status(): CandidateStatus {
    return this.#clock.t >= this.#answerAt ? this.#answeredCandidate : 'not_in_ft';
  }

  get time_to_respond_ir_minutes(): number {
    const t = this.#clock.t;
    return t >= this.#answerAt ? this.#answeredMinutes : Math.floor(t - this.#invitedAt);
  }

  toJSON(): CandidateRecord {
    return {
      notification_status: this.notification_status,
      candidate_status: this.candidate_status,
      time_to_respond_ir_minutes: this.time_to_respond_ir_minutes,
    };
  }
}
