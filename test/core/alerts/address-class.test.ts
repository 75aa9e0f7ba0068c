import { describe, expect, it } from 'vitest';
import { classifyAddress, deliverableAddress, parseIpv6 } from '../../../lambdas/core/alerts/address-class.js';
import { checkResolved, checkWebhookUrl } from '../../../lambdas/core/alerts/webhook-url.js';

describe('address classes for the webhook SSRF guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['2001:db8::1', 'documentation'],
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['[2606:4700::1]', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('reads compressed and IPv4-tailed IPv6, and refuses what is not an address', () => {
    expect(parseIpv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('::1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0x102, 0x304]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const text of ['1:2:3', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '::ffff:1.2.3', 'example.com', '01.2.3.4', '256.1.1.1']) {
      expect(classifyAddress(text), text).toBeUndefined();
    }
  });

  it('delivers to public addresses, and to loopback only where the local setting allows it', () => {
    expect(deliverableAddress('public', { allowLoopback: false })).toBe(true);
    expect(deliverableAddress('loopback', { allowLoopback: false })).toBe(false);
    expect(deliverableAddress('loopback', { allowLoopback: true })).toBe(true);
    expect(deliverableAddress('private', { allowLoopback: true })).toBe(false);
    expect(deliverableAddress(undefined, { allowLoopback: true })).toBe(false);
  });
});

describe('webhook URLs', () => {
  const deployed = { allowLoopback: false };
  const local = { allowLoopback: true };

  it('must be https, without credentials, naming a deliverable address when they name one', () => {
    expect(checkWebhookUrl('https://hooks.example.com/alerts', deployed)).toMatchObject({ ok: true, host: 'hooks.example.com', literal: false });
    expect(checkWebhookUrl('http://hooks.example.com/alerts', deployed)).toEqual({ ok: false, reason: 'must use https' });
    expect(checkWebhookUrl('https://user:pw@hooks.example.com/', deployed)).toMatchObject({ ok: false, reason: expect.stringMatching(/user name or password/) });
    expect(checkWebhookUrl('ftp://example.com/', local)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('not a url', deployed)).toMatchObject({ ok: false, reason: 'is not a valid absolute URL' });
    expect(checkWebhookUrl('https://127.0.0.1/', deployed)).toMatchObject({ ok: false, reason: expect.stringMatching(/loopback/) });
    expect(checkWebhookUrl('http://127.0.0.1:9000/', local)).toMatchObject({ ok: true, literal: true });
    expect(checkWebhookUrl('http://10.0.0.5/', local)).toMatchObject({ ok: false, reason: expect.stringMatching(/10\.0\.0\.5, a private address/) });
    expect(checkWebhookUrl('https://[fd00:ec2::254]/', deployed)).toMatchObject({ ok: false, reason: expect.stringMatching(/metadata/) });
    expect(checkWebhookUrl('https://[::ffff:a9fe:a9fe]/', deployed)).toMatchObject({ ok: false, reason: expect.stringMatching(/metadata/) });
  });

  it('are checked in the form URL parsing normalises to, so odd IPv4 spellings cannot slip through', () => {
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://0177.0.0.1/', 'https://169.254.43518/']) {
      expect(checkWebhookUrl(url, deployed), url).toMatchObject({ ok: false });
    }
  });

  it('once resolved, are refused if any address is not deliverable', () => {
    expect(checkResolved('hooks.example.com', ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'], deployed)).toBeUndefined();
    expect(checkResolved('rebind.example', ['93.184.215.14', '10.0.0.1'], deployed)).toMatch(/10\.0\.0\.1, a private address/);
    expect(checkResolved('localhost', ['127.0.0.1', '::1'], local)).toBeUndefined();
    expect(checkResolved('nothing.example', [], deployed)).toMatch(/did not resolve/);
  });
});
