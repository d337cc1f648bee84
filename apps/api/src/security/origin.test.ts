import { describe, expect, it } from 'vitest';
import { originAllowed, servedHosts } from './origin.js';

const request = (headers: Record<string, string>, remoteAddress = '203.0.113.9') =>
  ({ headers, socket: { remoteAddress } }) as unknown as Parameters<typeof servedHosts>[0];

describe('origin check', () => {
  const served = { publicOrigins: undefined, servedHosts: ['localhost:3000'] };

  it('lets a request without Origin through (not a cross-origin browser request)', () => {
    expect(originAllowed(undefined, served)).toBe(true);
  });

  it('accepts the origin the request was addressed to, in http or https', () => {
    expect(originAllowed('http://localhost:3000', served)).toBe(true);
    expect(originAllowed('https://localhost:3000', served)).toBe(true);
  });

  it('refuses another port of the same host, another host, "null" and other schemes', () => {
    expect(originAllowed('http://localhost:8080', served)).toBe(false);
    expect(originAllowed('http://localhost', served)).toBe(false);
    expect(originAllowed('http://evil.example', served)).toBe(false);
    expect(originAllowed('null', served)).toBe(false);
    expect(originAllowed('chrome-extension://abc', served)).toBe(false);
  });

  it('uses PUBLIC_ORIGIN instead of the served host when configured', () => {
    const configured = { publicOrigins: ['https://chat.example.edu'], servedHosts: ['127.0.0.1:3000'] };
    expect(originAllowed('https://chat.example.edu', configured)).toBe(true);
    expect(originAllowed('http://chat.example.edu', configured)).toBe(false);
    expect(originAllowed('http://127.0.0.1:3000', configured)).toBe(false);
  });

  it('believes X-Forwarded-Host only from a proxy on the loopback interface', () => {
    const headers = { host: '127.0.0.1:3000', 'x-forwarded-host': 'chat.example.edu, other' };
    expect(servedHosts(request(headers, '127.0.0.1'))).toEqual(['127.0.0.1:3000', 'chat.example.edu']);
    expect(servedHosts(request(headers))).toEqual(['127.0.0.1:3000']);
  });
});
