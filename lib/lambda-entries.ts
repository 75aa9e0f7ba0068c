import { fileURLToPath } from 'node:url';

/** The Lambda entry files, shared by the CDK constructs and `npm run build`. */
export const lambdaEntries = {
  router: fileURLToPath(new URL('../lambdas/handlers/router.ts', import.meta.url)),
  management: fileURLToPath(new URL('../lambdas/handlers/management.ts', import.meta.url)),
  alertDelivery: fileURLToPath(new URL('../lambdas/handlers/alert-delivery.ts', import.meta.url)),
  usageFold: fileURLToPath(new URL('../lambdas/handlers/usage-fold.ts', import.meta.url)),
} as const;

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Bundle settings shared by the CDK functions and `npm run build`, so both ship the same code. */
export const lambdaBundling = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  // The Node 22 runtime ships AWS SDK v3; bundling it again only slows cold starts.
  externalModules: ['@aws-sdk/*'],
} as const;

/**
 * Chosen by `BENCH_ONLY=lambda npm run bench`: Lambda gives one vCPU at 1,769 MB and CPU in
 * proportion below it, so the router's own CPU before a response ends (3.6 ms measured on the
 * 2-core bench machine, see the README's Performance) adds that time x 1,769 / memory. The 1 ms
 * goal is out of reach at any size today, so the router gets one full vCPU, past which a
 * single-threaded process gains nothing; re-run the bench when the request path gets leaner.
 */
export const routerMemoryMb = 1769;
