import { describe, expect, it } from 'vitest';
import { personalDataIn, requestLines } from '../e2e/support/log-check.ts';

// The check the e2e run's last spec makes on the server's whole log can fail: each kind of
// personal data it looks for, planted in a line like the server's, is found.

const clean = [
  '数据库 / database: PGlite /work/.tmp/e2e-data-4511',
  '{"time":"2026-11-30T10:34:57.634Z","level":"info","msg":"request","id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","method":"POST","route":"/account/login","status":303,"ms":131}',
  '{"time":"2026-11-30T10:34:57.912Z","level":"info","msg":"job","job":"privacy-sweep","ms":311,"proofs":0}',
  '[短信测试文件 / SMS test file] 139****0101',
].join('\n');

describe('the e2e log check', () => {
  it('finds nothing in lines like the server writes', () => {
    expect(personalDataIn(clean, ['13900000101', '11010519491231002X', '王秀英'])).toEqual([]);
    expect(requestLines(clean)).toHaveLength(1);
  });
  it('finds a listed phone number, ID number or name anywhere in a line', () => {
    expect(personalDataIn(`${clean}\n[SMS] 13900000101: code 123456`, ['13900000101'])).toContain('13900000101');
    expect(personalDataIn(`${clean}\n{"msg":"claim","idNumber":"11010519491231002X"}`, ['11010519491231002X'])).toContain('11010519491231002X');
    expect(personalDataIn(`${clean}\n{"msg":"job","error":"duplicate owner 王秀英"}`, ['王秀英'])).toEqual(['王秀英']);
  });
  it('finds any mobile or ID number, listed or not, but not a request id, a time or a duration', () => {
    expect(personalDataIn(`${clean}\n{"msg":"request","route":"/account?phone=13812345678"}`, [])).toEqual(['13812345678']);
    expect(personalDataIn(`${clean}\nerror for 440106198001011234`, [])).toEqual(['440106198001011234']);
    expect(personalDataIn('{"time":"2026-11-30T10:34:57.634Z","id":"13812345-1381-1381-1381-138123456789","ms":13812345678901}', [])).toEqual([]);
  });
});
