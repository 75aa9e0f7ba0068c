import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { ManagementDeps } from '../gateway/manage/management-deps.js';
import { routeManagementRequest } from '../gateway/manage/management-routes.js';
import { lazily, serveFunctionUrl, type FunctionRuntime } from './function-url-runtime.js';

/** The management API Lambda (function URL, BUFFERED): small JSON in, small JSON out. */
export function createManagementHandler(init: () => Promise<FunctionRuntime<ManagementDeps>>) {
  const ready = lazily(init);
  return middy<LambdaFunctionURLEvent, LambdaFunctionURLResult, Error, Context>().handler(async (event, context) => {
    const response = await serveFunctionUrl(event, context.awsRequestId, await ready(), routeManagementRequest);
    if (typeof response.body !== 'string') throw new Error('The management API answers with whole bodies only.');
    return { statusCode: response.status, headers: response.headers, body: response.body };
  });
}
