/** What a hire is worth and what invitations and overbookings cost (spec/metrics.md). */
export interface Money {
  readonly valuePerHire: number;
  readonly costPerInvite: number;
  readonly costPerOverbooking: number;
}

/** The constants the original engines were built on, and a cost for a burnt candidate. */
export const DEFAULT_MONEY: Money = Object.freeze({
  valuePerHire: 2500,
  costPerInvite: 20,
  costPerOverbooking: 250,
});

export function value(money: Money, hires: number, invited: number, overbooked: number): number {
  return money.valuePerHire * hires - money.costPerInvite * invited - money.costPerOverbooking * overbooked;
}
