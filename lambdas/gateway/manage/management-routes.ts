import { createRouter } from '../route-request.js';
import { aliasRoutes } from './alias-routes.js';
import { analyticsRoutes } from './analytics-routes.js';
import { alertRoutes } from './alert-routes.js';
import type { ManagementDeps } from './management-deps.js';
import { groupRoutes } from './group-routes.js';
import { keyRoutes } from './key-routes.js';
import { modelRoutes } from './model-routes.js';
import { orgRoutes } from './org-routes.js';
import { policyRoutes } from './policy-routes.js';
import { webhookRoutes } from './webhook-routes.js';

/** What the management Lambda serves, under /v1/manage. */
export const routeManagementRequest = createRouter<ManagementDeps>({
  ...policyRoutes,
  ...keyRoutes,
  ...groupRoutes,
  ...orgRoutes,
  ...analyticsRoutes,
  ...webhookRoutes,
  ...alertRoutes,
  ...aliasRoutes,
  ...modelRoutes,
});
