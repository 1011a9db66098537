import fs from 'node:fs';
import { expect } from '@playwright/test';
import { SMS_FILE } from '../../../playwright.config.ts';

/** A text the e2e server sent through the test SMS provider (GONGZHI_SMS=file). */
export interface Text {
  time: string;
  to: string;
  body: string;
}

/** Every text sent to `phone` so far, newest first, read from the test provider's file. */
export function textsTo(phone: string): Text[] {
  const lines = fs.existsSync(SMS_FILE) ? fs.readFileSync(SMS_FILE, 'utf8').split('\n').filter(Boolean) : [];
  return lines
    .map((l) => JSON.parse(l) as Text)
    .filter((t) => t.to === phone)
    .reverse();
}

/** The code in the newest text to `phone` (waits for the first one: a click may still be on its way). */
export async function latestCode(phone: string): Promise<string> {
  await expect.poll(() => textsTo(phone).length, { message: `a text to ${phone} in ${SMS_FILE}` }).toBeGreaterThan(0);
  return /(\d{6})/.exec(textsTo(phone)[0]!.body)![1]!;
}
