/**
 * The part of jStat that pacebench uses. jStat ships no types; this keeps `any` out.
 * Deliberately absent: the `sample` functions, which read a global random function
 * (`jStat._random_fn`, by default `Math.random`) and must never touch engine randomness.
 */
declare module 'jstat' {
  interface ContinuousDistribution2 {
    pdf(x: number, a: number, b: number): number;
    cdf(x: number, a: number, b: number): number;
    inv(p: number, a: number, b: number): number;
    mean(a: number, b: number): number;
    variance(a: number, b: number): number;
  }
  interface DiscreteDistribution2 {
    pdf(k: number, n: number, p: number): number;
    cdf(k: number, n: number, p: number): number;
  }
  interface JStat {
    normal: ContinuousDistribution2;
    lognormal: ContinuousDistribution2;
    beta: ContinuousDistribution2;
    gamma: ContinuousDistribution2;
    weibull: ContinuousDistribution2;
    binomial: DiscreteDistribution2;
    studentt: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
  }
  const pkg: { jStat: JStat };
  export default pkg;
}
