import { alertPipeline } from './alerts-env.js';
import { createAlertDeliveryHandler } from './alert-delivery-handler.js';
import { dynamoDbClient, parseGatewayEnv } from './gateway-env.js';

/** Lambda entry: the alert delivery function, composed from its environment (SQS event source). */
export const handler = createAlertDeliveryHandler(async () => {
  const env = parseGatewayEnv(process.env);
  return alertPipeline(env, dynamoDbClient(env)).deliverer;
});
