/**
 * The standard normal as pace computes it. Not stats/distributions.ts's `erfc` and jStat's
 * inverse: their last bits differ, which changes `--carry-state` decisions, and they cost the
 * decision more (docs/performance.md, "pace's own mechanisms").
 */

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Φ, by the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - y / 2 : y / 2;
}

// Acklam's coefficients, once per module rather than four arrays per call.
const [IA0, IA1, IA2, IA3, IA4, IA5] = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239] as const;
const [IB0, IB1, IB2, IB3, IB4] = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572] as const;
const [IC0, IC1, IC2, IC3, IC4, IC5] = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const [ID0, ID1, ID2, ID3] = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;

/**
 * Φ⁻¹ by Acklam's rational approximation (relative error < 1.2e-9): jStat's inverse costs
 * microseconds, and the callback needs one per call.
 */
export function normalInverse(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((IC0 * q + IC1) * q + IC2) * q + IC3) * q + IC4) * q + IC5) / ((((ID0 * q + ID1) * q + ID2) * q + ID3) * q + 1);
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((IC0 * q + IC1) * q + IC2) * q + IC3) * q + IC4) * q + IC5) / ((((ID0 * q + ID1) * q + ID2) * q + ID3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((IA0 * r + IA1) * r + IA2) * r + IA3) * r + IA4) * r + IA5) * q) / (((((IB0 * r + IB1) * r + IB2) * r + IB3) * r + IB4) * r + 1);
}

/** ½ ln 2π, the normal density's constant in log form. */
export const LN_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

/**
 * The moments of x ~ N(μ, σ²) beyond `l`, into `out`: E[x | x > l], E[x² | x > l] and
 * P(x > l) — what a censored log-normal delay contributes to the EM (l = ln age).
 */
export function truncatedMoments(l: number, mu: number, sigma: number, out: Float64Array): void {
  const z = (l - mu) / sigma;
  const S = 1 - normalCdf(z);
  // Inverse Mills ratio; its asymptote where S underflows.
  const lambda = S > 1e-12 ? normalPdf(z) / S : z + 1 / z;
  out[0] = mu + sigma * lambda;
  out[1] = sigma * sigma * (1 + z * lambda) + 2 * mu * sigma * lambda + mu * mu;
  out[2] = S;
}
