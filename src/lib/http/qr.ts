import QRCode from 'qrcode';

/** A QR code as an SVG data URI, for printed notices (no script, allowed by img-src data:). */
export async function qrDataUri(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
