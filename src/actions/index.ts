import { accountActions } from './accounts.ts';
import { registerActions } from './register.ts';
import { verificationActions } from './verification.ts';
import { projectActions } from './projects.ts';
import { noticeActions } from './notices.ts';
import { documentActions } from './documents.ts';
import { projectEditingActions } from './project-editing.ts';
import { districtActions } from './district.ts';
import { ballotActions } from './ballots.ts';
import { ballotObjectionActions } from './ballot-objections.ts';
import { privacyActions } from './privacy.ts';
import { volunteeringActions } from './volunteering.ts';
import { donationActions } from './donations.ts';
import { consultationActions } from './consultations.ts';
import { costshareActions } from './costshare.ts';
import { ratingActions } from './ratings.ts';
import { notificationActions } from './notifications.ts';

export const server = {
  accounts: accountActions,
  register: registerActions,
  verification: verificationActions,
  projects: projectActions,
  notices: noticeActions,
  documents: documentActions,
  projectEditing: projectEditingActions,
  district: districtActions,
  ballots: ballotActions,
  ballotObjections: ballotObjectionActions,
  privacy: privacyActions,
  volunteering: volunteeringActions,
  donations: donationActions,
  consultations: consultationActions,
  costshare: costshareActions,
  ratings: ratingActions,
  notifications: notificationActions,
};
