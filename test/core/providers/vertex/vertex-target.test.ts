import { describe, expect, it } from 'vitest';
import { runsInEuRegion, vertexModelUrl, vertexTarget } from '../../../../lambdas/core/providers/vertex/vertex-target.js';

describe('vertexTarget', () => {
  it('reads the region after the last @, and a Claude version before it', () => {
    expect(vertexTarget('gemini-2.5-flash@europe-west4')).toEqual({ publisher: 'google', model: 'gemini-2.5-flash', region: 'europe-west4' });
    expect(vertexTarget('claude-sonnet-4-5@20250929@us-east5')).toEqual({ publisher: 'anthropic', model: 'claude-sonnet-4-5@20250929', region: 'us-east5' });
  });

  it('runs a model without a region in the configured default, else on the global endpoint', () => {
    expect(vertexTarget('claude-opus-4-1@20250805', 'europe-west1')).toEqual({ publisher: 'anthropic', model: 'claude-opus-4-1@20250805', region: 'europe-west1' });
    expect(vertexTarget('gemini-2.5-pro').region).toBe('global');
  });

  it('refuses a suffix that is no Vertex region, naming the model field', () => {
    expect(() => vertexTarget('gemini-2.5-pro@mars')).toThrow(expect.objectContaining({ status: 400, param: 'model' }));
    expect(() => vertexTarget('gemini-2.5-pro@europe-west')).toThrow(/not a Vertex AI region/);
  });
});

describe('vertexModelUrl', () => {
  it('builds the regional, multi-regional and global hosts as Google names them', () => {
    expect(vertexModelUrl(vertexTarget('gemini-2.5-flash@europe-west4'), 'my-project', undefined)).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash',
    );
    expect(vertexModelUrl(vertexTarget('claude-sonnet-4-5@20250929@eu'), 'p', undefined)).toBe(
      'https://aiplatform.eu.rep.googleapis.com/v1/projects/p/locations/eu/publishers/anthropic/models/claude-sonnet-4-5@20250929',
    );
    expect(vertexModelUrl(vertexTarget('claude-haiku-4-5@20251001'), 'p', undefined)).toBe(
      'https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001',
    );
  });

  it('puts a configured base URL in place of the host, the path unchanged', () => {
    expect(vertexModelUrl(vertexTarget('gemini-2.5-flash@us-central1'), 'p', 'http://127.0.0.1:9000/')).toBe(
      'http://127.0.0.1:9000/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    );
  });
});

describe('runsInEuRegion', () => {
  it('counts regions in EU member states and the eu multi-region, not London, Zurich, the US or global', () => {
    for (const region of ['europe-west1', 'europe-west3', 'europe-west4', 'europe-west9', 'europe-north1', 'europe-southwest1', 'eu']) expect(runsInEuRegion(region), region).toBe(true);
    for (const region of ['europe-west2', 'europe-west6', 'us-central1', 'us', 'global', 'asia-northeast1']) expect(runsInEuRegion(region), region).toBe(false);
  });
});
