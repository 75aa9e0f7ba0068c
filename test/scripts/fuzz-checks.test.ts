import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedWebhookProblem } from '../support/fuzz/accepted-webhook.js';
import { problemWith } from '../support/fuzz/clean-response.js';
import { formBody } from '../support/fuzz/fuzz-multipart.js';
import { fuzzRoutes } from '../support/fuzz/fuzz-routes.js';
import { outboundProblem, testedWebhookProblem } from '../support/fuzz/outbound-connections.js';

const created = (url: string) => ({ status: 201, contentType: 'application/json', body: JSON.stringify({ id: 'whk_1', url }) });

describe("npm run fuzz's own checks", () => {
  it('call an accepted webhook to an internal address an SSRF, however it is spelled, and let public https ones pass', () => {
    const problem = (url: string, allowLoopback = false) => acceptedWebhookProblem('POST', '/v1/manage/webhook', created(url), allowLoopback);
    for (const url of ['https://0x7f.1/', 'https://2130706433/', 'https://[::ffff:127.0.0.1]/', 'https://[2002:7f00:1::]/', 'https://169.254.169.254/', 'https://0xa9fea9fe/', 'https://[fd00::1]/', 'https://10.1.2.3/', 'https://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/']) {
      expect(problem(url), url).toMatch(/^an SSRF/);
    }
    expect(problem('http://1.1.1.1/')).toMatch(/scheme http:/);
    expect(problem('https://user@1.1.1.1/')).toMatch(/credentials/);
    for (const url of ['https://1.1.1.1/hook', 'https://[2606:4700:4700::1111]:8443/']) expect(problem(url), url).toBeUndefined();
    // Where loopback is allowed (npm start), loopback and plain http are fine; the metadata endpoint still is not.
    expect(problem('http://127.0.0.1:8080/', true)).toBeUndefined();
    expect(problem('http://169.254.169.254/', true)).toMatch(/^an SSRF/);
    // Refusals and other routes are judged elsewhere.
    expect(acceptedWebhookProblem('POST', '/v1/manage/webhook', { ...created('https://127.0.0.1/'), status: 400 }, false)).toBeUndefined();
  });

  it('call a connection the fenced gateway tried to an internal address an SSRF, and one to a public address not', () => {
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', '10.0.0.1', 'fd00:ec2::254', '::ffff:127.0.0.1']) {
      expect(outboundProblem({ address, port: 443 }, false), address).toMatch(/^an SSRF/);
    }
    for (const address of ['1.1.1.1', '2606:4700:4700::1111']) expect(outboundProblem({ address, port: 443 }, false), address).toBeUndefined();
    expect(outboundProblem({ address: '127.0.0.1', port: 8080 }, true)).toBeUndefined();
  });

  it('call a test send reported delivered a leak past the fence, and a failed one clean', () => {
    const answer = (status: string) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ webhook_id: 'whk_1', status, error: status === 'failed' ? 'refused' : null }) });
    expect(testedWebhookProblem('POST', '/v1/manage/webhook/whk_1/test', answer('delivered'))).toMatch(/past the fuzz fence/);
    expect(testedWebhookProblem('POST', '/v1/manage/webhook/whk_1/test/', answer('failed'))).toBeUndefined();
    expect(problemWith('POST', '/v1/manage/webhook/whk_1/test', answer('failed'))).toBeUndefined();
    expect(testedWebhookProblem('POST', '/v1/manage/webhook/whk_1/replay', answer('delivered'))).toBeUndefined();
  });

  it('make valid multipart forms that the platform parses into the file and the model', async () => {
    const valid = fuzzRoutes.find(({ route }) => route.path === '/v1/audio/transcriptions')?.route.form;
    if (!valid) throw new Error('no multipart route is fuzzed');
    const forms = fc.sample(formBody(valid, fc.constant), { numRuns: 300, seed: 1 }).filter((body) => body.shape === 'form-valid');
    expect(forms.length).toBeGreaterThan(30);
    for (const input of forms) {
      const form = await new Request('http://fuzz.invalid/', { method: 'POST', headers: { 'content-type': input.contentType ?? '' }, body: input.bytes }).formData();
      expect(form.get('file')).toBeInstanceOf(File);
      expect(form.get('model')).toEqual(expect.stringMatching(/\//));
    }
  });
});
