// A resident whose household rated more than 30 days ago (demo data: paper questionnaires dated
// up to 45 days back, db/seed/demo-ratings.ts): prepare-data.ts gives the first owner of the
// household that rated first on PAST_RATED_PROJECT a verified account, before the server starts.
export const PAST_RATED_PROJECT = 'ZH-2020-00005';
export const PAST_RATER_PHONE = '13900000190';
