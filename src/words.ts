/** A count with its noun, singular for one: `counted(1, 'case')` is "1 case", `counted(3, 'case')` "3 cases". */
export function counted(n: number, one: string, many: string = `${one}s`, shown: string = String(n)): string {
  return `${shown} ${n === 1 ? one : many}`;
}
