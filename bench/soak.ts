/**
 * `npm run bench:soak [-- --requests 1000000 --cases 100000 --connections 64]`
 *
 * A soak of `pacebench serve` on loopback: N requests spread over many distinct case ids (each
 * case called again and again, by exp, nbinomial and stoch-constraint in turn), so that the
 * server creates, keeps and evicts engine instances the whole time. Resident memory, heap and
 * live cases are read from `/health` as it goes; memory must level off, not keep growing.
 * Measures and prints; asserts nothing.
 */
import { Pool } from 'undici';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isEntryPoint } from '../src/cli/io.ts';
import { benchRequest } from './fixtures.ts';
import { startServer } from './serve.ts';

const ENGINES = ['exp', 'nbinomial', 'stoch-constraint'] as const;

interface Sample {
  readonly requests: number;
  readonly seconds: number;
  readonly rss_mb: number;
  readonly heap_mb: number;
  readonly live_cases: number;
}

interface Health {
  cases: { live: number };
  memory_mb: { rss: number; heap_used: number };
}

export async function soak(o: { requests: number; cases: number; connections: number; samples: number }): Promise<{ samples: Sample[]; errors: number; first_error: string | null }> {
  const server = await startServer();
  const pool = new Pool(server.base, { connections: o.connections });
  // The body with a hole for the correlation id: building it costs the load generator nothing.
  const { correlation_id: _c, ...rest } = benchRequest(10);
  const [head, tail] = JSON.stringify({ correlation_id: '@ID@', ...rest }).split('"@ID@"') as [string, string];
  const started = performance.now();
  const samples: Sample[] = [];
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | null = null;
  const every = Math.max(1, Math.floor(o.requests / o.samples));
  let nextSample = every;

  const health = async (): Promise<void> => {
    const r = await pool.request({ path: '/health', method: 'GET' });
    const h = (await r.body.json()) as Health;
    samples.push({ requests: done, seconds: Math.round((performance.now() - started) / 100) / 10, rss_mb: h.memory_mb.rss, heap_mb: h.memory_mb.heap_used, live_cases: h.cases.live });
    process.stderr.write(`  ${done.toLocaleString('en-US')} requests, ${samples.at(-1)?.seconds} s: rss ${h.memory_mb.rss} MB, heap ${h.memory_mb.heap_used} MB, ${h.cases.live} live cases\n`);
  };

  await health();
  const worker = async (): Promise<void> => {
    while (next < o.requests) {
      const i = next++;
      const engine = ENGINES[i % ENGINES.length] as string;
      const caseIndex = Math.floor(i / ENGINES.length) % o.cases;
      const call = Math.floor(i / (ENGINES.length * o.cases));
      try {
        const r = await pool.request({
          path: `/engines/${engine}/decide`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `${head}"Soak${caseIndex}_${call}"${tail}`,
        });
        const text = await r.body.text();
        if (r.statusCode !== 200) {
          errors++;
          firstError ??= `HTTP ${r.statusCode}: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      done++;
      if (done >= nextSample) {
        nextSample += every;
        await health();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.connections }, worker));
    if (samples.at(-1)?.requests !== done) await health();
  } finally {
    await pool.close();
    await server.stop();
  }
  return { samples, errors, first_error: firstError };
}

async function main(): Promise<void> {
  const a = await yargs(hideBin(process.argv))
    .scriptName('npm run bench:soak --')
    .option('requests', { type: 'number', default: 1_000_000 })
    .option('cases', { type: 'number', default: 100_000, describe: 'distinct case ids' })
    .option('connections', { type: 'number', default: 64 })
    .option('samples', { type: 'number', default: 20, describe: 'memory readings over the run' })
    .strict()
    .help()
    .parseAsync();
  process.stderr.write(`soak: ${a.requests.toLocaleString('en-US')} requests over ${a.cases.toLocaleString('en-US')} case ids, ${a.connections} connections, loopback\n`);
  const r = await soak({ requests: a.requests, cases: a.cases, connections: a.connections, samples: a.samples });
  const rows = [['requests', 'seconds', 'rss MB', 'heap MB', 'live cases'], ...r.samples.map((s) => [s.requests.toLocaleString('en-US'), String(s.seconds), String(s.rss_mb), String(s.heap_mb), String(s.live_cases)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  process.stdout.write(`${rows.map((row) => row.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n')}\n`);
  const last = r.samples.at(-1);
  const half = r.samples.find((s) => s.requests >= a.requests / 2);
  if (last !== undefined && half !== undefined) {
    const rate = Math.round(last.requests / last.seconds);
    process.stdout.write(
      `\n${r.errors} errors${r.first_error === null ? '' : ` (first: ${r.first_error})`}; ${rate.toLocaleString('en-US')} requests/s; resident memory ${half.rss_mb} MB at half way, ${last.rss_mb} MB at the end; peak ${Math.max(...r.samples.map((s) => s.rss_mb))} MB\n`,
    );
  }
  if (r.errors > 0) process.exitCode = 1;
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
