// The moderation rules of rating comments are those of consultation comments (意见征集):
// the same threshold of distinct verified reporters (the database holds the same figure,
// migration 0056) and the same per-person budget of reports, counted in its own bucket.
import { REPORT_LIMIT, REPORTS_TO_HIDE } from '../../consultations/core/rules.ts';

export { REPORTS_TO_HIDE };
/** Reports of rating comments per person and hour: the figures of consultation reports. */
export const RATING_REPORT_LIMIT = { ...REPORT_LIMIT, bucket: 'rating_comment_report' };
