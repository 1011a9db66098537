import type { DonationStatus } from '../tables.ts';

/** The transitions the database allows (gz_donation_guard, migration 0022), for messages before writing. */
export const NEXT: Record<DonationStatus, readonly DonationStatus[]> = {
  offered: ['accepted', 'declined'],
  accepted: ['received'],
  declined: [],
  received: [],
};

export const canMove = (from: DonationStatus, to: DonationStatus): boolean => NEXT[from].includes(to);
