import { describe, expect, it } from 'vitest';
import { analyticsFields, analyticsMetrics, analyticsResolutions } from '../../console/src/analytics-vocabulary.js';
import { fieldNames } from '../../lambdas/core/analytics/analytics-fields.js';
import { metricNames } from '../../lambdas/core/analytics/analytics-metrics.js';
import { resolutions } from '../../lambdas/core/analytics/analytics-spec.js';

describe("the console's analytics pickers", () => {
  it('offer exactly the metrics, fixed fields and resolutions the analytics API accepts', () => {
    expect([...analyticsMetrics].sort()).toEqual([...metricNames].sort());
    expect([...analyticsFields].sort()).toEqual(fieldNames.filter((name) => !name.endsWith('<key>')).sort());
    expect([...analyticsResolutions]).toEqual([...resolutions]);
  });
});
