import { describe, expect, it } from 'vitest';
import { feedResponse, notModified } from '../../src/lib/http/feed-etag.ts';

const get = (inm?: string) => new Request('http://x/open-data/projects.csv', { headers: inm ? { 'If-None-Match': inm } : {} });

describe('streamed feeds and their entity tag', () => {
  it('compares tags weakly, in a list, and honours *', () => {
    expect(notModified(get(), 'W/"d3-f1"')).toBe(false);
    expect(notModified(get('W/"d3-f1"'), 'W/"d3-f1"')).toBe(true);
    expect(notModified(get('"d3-f1"'), 'W/"d3-f1"')).toBe(true);
    expect(notModified(get('W/"d2-f1", W/"d3-f1"'), 'W/"d3-f1"')).toBe(true);
    expect(notModified(get('*'), 'W/"d3-f1"')).toBe(true);
    expect(notModified(get('W/"d3-f2"'), 'W/"d3-f1"')).toBe(false);
  });

  it('opens the stream only when the client does not hold this version', async () => {
    let opened = 0;
    const open = () => {
      opened++;
      return new Response('a,b\r\n').body!;
    };
    const fresh = feedResponse(get('W/"d3-f1"'), 'W/"d3-f1"', open, { 'Content-Type': 'text/csv' });
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get('ETag')).toBe('W/"d3-f1"');
    expect(opened).toBe(0);
    const full = feedResponse(get('W/"d2-f1"'), 'W/"d3-f1"', open, { 'Content-Type': 'text/csv' });
    expect(full.status).toBe(200);
    expect(full.headers.get('Cache-Control')).toBe('public, no-cache');
    expect(await full.text()).toBe('a,b\r\n');
    expect(opened).toBe(1);
  });
});
