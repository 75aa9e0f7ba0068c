import { lambdaEntries } from '../lib/lambda-entries.js';
import { buildLambda, type LambdaName } from './build-lambda.js';

/**
 * `npm run build`: the Lambda bundles exactly as `cdk synth` makes them (see
 * lib/gateway-function.ts), written to dist/<name>/index.js for inspection and size checks.
 */
for (const name of Object.keys(lambdaEntries) as LambdaName[]) {
  const { bytes, mapBytes } = await buildLambda(name);
  console.log(`${name}: dist/${name}/index.js (${Math.round(bytes / 1024)} KiB; source map ${Math.round(mapBytes / 1024)} KiB)`);
}
