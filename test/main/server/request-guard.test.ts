import { describe, expect, it } from 'vitest';
import { tokenCookieName, tokensMatch, createAccessToken } from '../../../src/main/server/access-token';
import { checkRequest, cookieValue, hostWithPort, isAllowedHost, isAllowedOrigin, presentedToken } from '../../../src/main/server/request-guard';

const settings = { host: '127.0.0.1', port: 8765, token: 'a'.repeat(48) };
const req = (headers: Record<string, string>, url = '/') => ({ headers: { host: '127.0.0.1:8765', ...headers }, url });

describe('access token', () => {
  it('is_48_hex_characters_and_new_each_time', () => {
    const a = createAccessToken();
    expect(a).toMatch(/^[0-9a-f]{48}$/);
    expect(createAccessToken()).not.toBe(a);
  });

  it('matches_only_the_same_token_whatever_the_lengths', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abd', 'abc')).toBe(false);
    expect(tokensMatch('', 'abc')).toBe(false);
    expect(tokensMatch('abc'.repeat(1000), 'abc')).toBe(false);
  });

  it('names_its_cookie_per_port', () => {
    expect(tokenCookieName(8765)).toBe('cnn-studio-token-8765');
  });
});

describe('host check (DNS rebinding)', () => {
  it('accepts_the_loopback_names_on_the_bound_port_only', () => {
    for (const host of ['127.0.0.1:8765', 'localhost:8765', 'LOCALHOST:8765', '[::1]:8765']) expect(isAllowedHost(host, settings), host).toBe(true);
    for (const host of ['127.0.0.1:8766', 'evil.example:8765', 'evil.example', '127.0.0.1', '', '127.0.0.1:8765:1', '127.0.0.1.evil.example:8765', undefined]) {
      expect(isAllowedHost(host, settings), String(host)).toBe(false);
    }
  });

  it('accepts_only_the_bound_address_on_a_lan_bind', () => {
    const lan = { host: '192.168.1.5', port: 80 };
    expect(isAllowedHost('192.168.1.5', lan)).toBe(true);
    expect(isAllowedHost('localhost', lan)).toBe(false);
    expect(isAllowedHost('evil.example', lan)).toBe(false);
  });

  it('accepts_ip_literals_but_no_foreign_names_on_a_wildcard_bind', () => {
    const any = { host: '0.0.0.0', port: 9000 };
    expect(isAllowedHost('10.0.0.7:9000', any)).toBe(true);
    expect(isAllowedHost('[fe80::1]:9000', any)).toBe(true);
    expect(isAllowedHost('attacker.example:9000', any)).toBe(false);
  });

  it('writes_ipv6_in_brackets', () => {
    expect(hostWithPort('::1', 80)).toBe('[::1]:80');
    expect(hostWithPort('127.0.0.1', 80)).toBe('127.0.0.1:80');
  });
});

describe('origin check', () => {
  it('allows_no_origin_and_our_own', () => {
    expect(isAllowedOrigin({ headers: {} }, '127.0.0.1:8765')).toBe(true);
    expect(isAllowedOrigin({ headers: { origin: 'http://127.0.0.1:8765', 'sec-fetch-site': 'same-origin' } }, '127.0.0.1:8765')).toBe(true);
  });

  it('refuses_other_origins_and_cross_site_subresources_but_not_navigations', () => {
    expect(isAllowedOrigin({ headers: { origin: 'http://evil.example' } }, '127.0.0.1:8765')).toBe(false);
    expect(isAllowedOrigin({ headers: { origin: 'http://127.0.0.1:9999' } }, '127.0.0.1:8765')).toBe(false);
    expect(isAllowedOrigin({ headers: { origin: 'null' } }, '127.0.0.1:8765')).toBe(false);
    expect(isAllowedOrigin({ headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } }, '127.0.0.1:8765')).toBe(false);
    expect(isAllowedOrigin({ headers: { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' } }, '127.0.0.1:8765')).toBe(false);
    expect(isAllowedOrigin({ headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } }, '127.0.0.1:8765')).toBe(true);
  });
});

describe('token check', () => {
  it('reads_the_token_from_the_query_the_authorization_header_a_custom_header_or_the_cookie', () => {
    expect(presentedToken(req({}, '/?x=1&token=q'), 8765)).toEqual({ token: 'q', source: 'query' });
    expect(presentedToken(req({ authorization: 'token h' }), 8765)).toEqual({ token: 'h', source: 'header' });
    expect(presentedToken(req({ 'x-cnn-studio-token': 'x' }), 8765)).toEqual({ token: 'x', source: 'header' });
    expect(presentedToken(req({ cookie: 'a=1; cnn-studio-token-8765=c; b=2' }), 8765)).toEqual({ token: 'c', source: 'cookie' });
    expect(presentedToken(req({ cookie: 'cnn-studio-token-9999=other' }), 8765)).toBeNull();
  });

  it('never_reads_the_referer', () => {
    expect(presentedToken(req({ referer: `http://127.0.0.1:8765/?token=${settings.token}` }), 8765)).toBeNull();
    expect(checkRequest(req({ referer: `http://127.0.0.1:8765/?token=${settings.token}` }), settings)).toMatchObject({ ok: false, status: 401 });
  });

  it('answers_401_without_a_token_403_with_a_wrong_one_and_passes_the_right_one', () => {
    expect(checkRequest(req({}), settings)).toEqual({ ok: false, status: 401, reason: 'it has no token' });
    expect(checkRequest(req({}, '/?token=nope'), settings)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(req({}, `/?token=${settings.token}`), settings)).toEqual({ ok: true, host: '127.0.0.1:8765', tokenSource: 'query' });
  });

  it('checks_the_host_and_origin_before_the_token', () => {
    expect(checkRequest({ headers: { host: 'evil.example:8765' }, url: `/?token=${settings.token}` }, settings)).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/Host header/) });
    expect(checkRequest(req({ origin: 'http://evil.example' }, `/?token=${settings.token}`), settings)).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/another origin/) });
  });

  it('parses_cookies_leniently', () => {
    expect(cookieValue(' a = 1 ;b=2', 'b')).toBe('2');
    expect(cookieValue('=x; c', 'c')).toBeUndefined();
    expect(cookieValue(undefined, 'a')).toBeUndefined();
  });
});
