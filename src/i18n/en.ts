import type { MessageKey, zhParts } from './zh.ts';
import type { EnglishOf } from './define.ts';
import { accountsEn } from '../features/accounts/messages.ts';
import { auditEn } from '../features/audit/messages.ts';
import { ballotsEn } from '../features/ballots/messages.ts';
import { consultationsEn } from '../features/consultations/messages.ts';
import { costshareEn } from '../features/costshare/messages.ts';
import { donationsEn } from '../features/donations/messages.ts';
import { reportsEn } from '../features/reports/messages.ts';
import { ratingsEn } from '../features/ratings/messages.ts';
import { notificationsEn } from '../features/notifications/messages.ts';
import { feesEn } from '../features/fees/messages.ts';
import { fundingEn } from '../features/funding/messages.ts';
import { geographyEn } from '../features/geography/messages.ts';
import { mapEn } from '../features/map/messages.ts';
import { noticesEn } from '../features/notices/messages.ts';
import { openDataEn } from '../features/open-data/messages.ts';
import { privacyEn } from '../features/privacy/messages.ts';
import { projectsEn } from '../features/projects/messages.ts';
import { registerEn } from '../features/register/messages.ts';
import { volunteeringEn } from '../features/volunteering/messages.ts';

const sharedEn: EnglishOf<typeof zhParts.shared> = {
  'site.name': 'Gongzhi',
  'nav.home': 'Home',
  'nav.notices': 'Notices',
  'nav.openData': 'Open data',
  'nav.skip': 'Skip to content',
  'nav.main': 'Main navigation',
  'prefs.lang': '中文',
  'prefs.elderOn': 'Elder mode',
  'prefs.elderOff': 'Standard mode',
  'prefs.elderLabel': 'Elder mode: larger text, higher contrast',
  'demo.banner': 'Demo data: the projects, estates and notices shown here are fictitious demonstration data.',
  'filter.title': 'Filters',
  'filter.subdistrict': 'Subdistrict',
  'filter.stage': 'Stage',
  'filter.year': 'Batch year',
  'filter.category': 'Scope',
  'filter.all': 'All',
  'filter.apply': 'Apply',
  'filter.reset': 'Clear filters',
  'filter.q': 'Estate name, address or project code',
  'filter.qHint': 'Part of a name is enough, for example “{example}”.',
  'pager.label': 'Pages',
  'pager.prev': 'Previous page',
  'pager.next': 'Next page',
  'pager.status': 'Page {page} of {pages}',
  'error.404.title': 'Page not found',
  'error.404.body': 'The page you are looking for does not exist or has been removed.',
  'error.500.title': 'Server error',
  'error.500.body': 'Sorry, something went wrong while handling your request. Please try again later.',
  'error.back': 'Back to the home page',
  'footer.about': 'Gongzhi: an open-source portal for old estate renovation. Everything public here can be downloaded freely.',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.demo': 'Demo',
  'common.household': 'households',
  'common.backToList': 'Back to the project list',
  'common.colon': ': ',
  'err.phone': 'Enter an 11-digit mainland mobile number',
  'err.required': 'This field is required',
  'err.tooLong': 'Too long',
  'err.rateLimited': 'Too many attempts; please try again later',
  'err.idKeyMissing': 'The ID-number key is not set on this site yet, so ID numbers cannot be processed; please tell the administrator',
  'err.passwordWrong': 'The current password is wrong',
  'err.forbidden': 'You are not allowed to do this',
  'err.origin': 'Request origin not accepted',
  'err.form': 'Please check the fields marked below',
  'nav.signIn': 'Sign in',
  'nav.account': 'My account',
  'nav.admin': 'Workspace',
  'admin.title': 'Workspace',
  'admin.register': 'Household register import',
  'admin.estates': 'Estates in your area',
  'err.fileRequired': 'Choose a file',
  'err.fileEmpty': 'The file is empty',
  'err.fileTooLarge': 'The file is larger than 10 MB',
  'admin.verifications': 'Owner verification',
  'admin.saved': 'Saved.',
  'err.noSuchFlat': 'No such flat on the register; check building, entrance and room',
  'err.signInFirst': 'Please sign in first',
  'err.fileTooLargeProof': 'The file is larger than 5 MB',
  'err.proofType': 'Only PNG, JPEG or WebP images or PDF files are accepted',
  'err.reasonRequired': 'Give a reason for a rejection',
  'err.noProof': 'This claim has no proof',
  'admin.projects': 'Renovation projects',
  'admin.published': 'Published',
  'admin.draft': 'Draft',
  'admin.publicPage': 'Public page',
  'admin.save': 'Save',
  'err.amount': 'Enter an amount in yuan with at most two decimals',
  'err.notFound': 'Record not found',
  'err.date': 'Enter a valid date',
  'admin.remove': 'Remove',
  'admin.add': 'Add',
  'admin.publish': 'Publish',
  'err.number': 'Enter a valid whole number',
  'err.dateOrder': 'The end cannot be before the start',
  'nav.ballots': "Owners' votes",
  'err.dateTime': 'Enter a valid date and time',
  'err.dateInFuture': 'The date cannot be later than today',
  'err.bodyTooLarge': 'Request body too large',
  'err.noSuchFile': 'No such file',
};

export const enParts = {
  shared: sharedEn,
  accounts: accountsEn,
  audit: auditEn,
  ballots: ballotsEn,
  consultations: consultationsEn,
  costshare: costshareEn,
  donations: donationsEn,
  ratings: ratingsEn,
  reports: reportsEn,
  notifications: notificationsEn,
  fees: feesEn,
  funding: fundingEn,
  geography: geographyEn,
  map: mapEn,
  notices: noticesEn,
  'open-data': openDataEn,
  privacy: privacyEn,
  projects: projectsEn,
  register: registerEn,
  volunteering: volunteeringEn,
} as const;

export const en: Record<MessageKey, string> = {
  ...sharedEn,
  ...accountsEn,
  ...auditEn,
  ...ballotsEn,
  ...consultationsEn,
  ...costshareEn,
  ...donationsEn,
  ...ratingsEn,
  ...reportsEn,
  ...notificationsEn,
  ...feesEn,
  ...fundingEn,
  ...geographyEn,
  ...mapEn,
  ...noticesEn,
  ...openDataEn,
  ...privacyEn,
  ...projectsEn,
  ...registerEn,
  ...volunteeringEn,
};
