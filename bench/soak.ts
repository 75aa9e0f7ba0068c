import { formatSoakReport, fullSoak, runMemorySoak, startSoakTarget } from '../test/support/memory-soak.js';

/**
 * `npm run soak`: issue 11's memory soak at full size against `npm start` as a user runs it
 * (with its own DynamoDB Local and a local OpenAI mock); prints what its memory did.
 */
const target = await startSoakTarget();
try {
  const report = await runMemorySoak(target, fullSoak, {
    onSample: (sample) => console.log(`${sample.label}: ${sample.sent} sent, ${sample.settledRssMb.toFixed(1)} MB resident after GC`),
  });
  console.log(`\n${formatSoakReport(report)}`);
  if (!(await target.gateway.serves())) throw new Error('the gateway no longer serves');
} finally {
  await target.stop();
}
