import { modelCatalog } from '../../core/catalog/model-catalog.js';
import { passesFilter } from '../../core/catalog/model-filter.js';
import { jsonResponse } from '../gateway-http.js';
import { modelObject, parseModelFilter } from '../list-models.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement } from './management-request.js';

/**
 * `GET /v1/manage/models`: the whole catalog as `GET /v1/models` shows it, with the same filters,
 * for a management key (the console's model pages); `/v1/models` answers only API keys, and only
 * with the models that key may call.
 */
export const modelRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/models': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const filter = parseModelFilter(request.query);
      const models = modelCatalog.filter((entry) => passesFilter(entry, filter));
      return jsonResponse(200, { object: 'list', data: models.map(modelObject) });
    },
  },
};
