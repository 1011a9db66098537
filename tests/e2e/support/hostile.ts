/** Text a careless page would execute or mangle; it must come back as plain text. */
export const HOSTILE_CODE = 'ZH-2099-EVIL1';
export const HOSTILE_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"小区"&amp;';
export const HOSTILE_NOTICE = '<b>加粗？</b><iframe src="https://evil.invalid"></iframe>';
