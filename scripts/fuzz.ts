import { parseArgs } from 'node:util';
import { startFuzzGateway } from '../test/support/fuzz/fuzz-gateway.js';
import { runFuzz, type FuzzReport } from '../test/support/fuzz/run-fuzz.js';

/**
 * `npm run fuzz [-- --inputs 100000 --seed <n> --path <p> --concurrency 8]`:
 * property-based fuzzing of every public route of a freshly started `npm start` (its own
 * DynamoDB Local, mock upstreams), with the arbitraries and checks the test suite uses.
 */
const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    path: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'max-failures': { type: 'string', default: '20' },
  },
});

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const inputs = Number(values.inputs);
console.log(`fuzz: ${inputs} inputs, seed ${seed}${values.path ? `, replaying path ${values.path}` : ''}; starting the gateway...`);
const started = Date.now();
const fuzz = await startFuzzGateway();
process.once('SIGINT', () => void fuzz.stop().finally(() => process.exit(130)));
let lastProgress = 0;
let failuresShown = 0;
let report: FuzzReport | undefined;
try {
  report = await runFuzz(fuzz.target, {
    inputs,
    seed,
    concurrency: Number(values.concurrency),
    maxFailures: Number(values['max-failures']),
    ...(values.path ? { path: values.path } : {}),
    onProgress: (progress) => {
      for (const failure of progress.failures.slice(failuresShown)) console.log(`  failure (seed ${failure.seed}, path ${failure.path}):\n    ${failure.problem.replaceAll('\n', '\n    ')}`);
      failuresShown = progress.failures.length;
      if (progress.inputsTried - lastProgress < 5_000) return;
      lastProgress = progress.inputsTried;
      console.log(`  ${progress.inputsTried} inputs, ${progress.failures.length} failures, ${Math.round((Date.now() - started) / 1000)} s`);
    },
  });
} finally {
  await fuzz.stop();
}

const seconds = (Date.now() - started) / 1000;
const sorted = (tally: Record<string, number>) =>
  Object.entries(tally)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}: ${n}`)
    .join(', ');
console.log(`\ninputs tried: ${report.inputsTried} in ${seconds.toFixed(0)} s (seeds ${report.seeds.join(', ')})`);
console.log(`answers: ${sorted(report.outcomes)}`);
console.log(`bodies: ${sorted(report.shapes)}`);
console.log(`connections the network fence stopped (address port: count): ${sorted(report.outbound) || 'none'}`);
console.log(`failures: ${report.failures.length}`);
for (const failure of report.failures) {
  console.log(`\n- seed ${failure.seed}, path ${failure.path}\n  replay: npm run fuzz -- --seed ${failure.seed} --path ${failure.path}\n  ${failure.problem.replaceAll('\n', '\n  ')}`);
}
if (report.failures.some((failure) => failure.problem.includes('serv'))) {
  console.log(`\nThe gateway's output ends with:\n${fuzz.gateway.output().slice(-4_000)}`);
}
process.exit(report.failures.length > 0 ? 1 : 0);
