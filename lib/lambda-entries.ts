import { fileURLToPath } from 'node:url';

/** The Lambda entry files, shared by the CDK constructs and `npm run build`. */
export const lambdaEntries = {
  router: fileURLToPath(new URL('../lambdas/handlers/router.ts', import.meta.url)),
} as const;

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
