/** A mainland mobile number as accounts use it: 11 digits, no prefix or separators. */
export function normaliseMobile(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '').replace(/^(?:\+86|0086)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

export const maskMobile = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
