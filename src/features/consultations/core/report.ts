// The consultation report (意见采纳情况): a notice built from the record copied at the
// close. Notices are written in Chinese (the data language of the portal); every author
// is named by building only ("3 栋住户"), never by name or number.
import { formatDate, translator } from '../../../i18n/index.ts';
import type { AuthorKind, Channel, Disposition } from '../tables.ts';
import { reportAuthorKey } from './rules.ts';

const zh = translator('zh');

export interface RecordedOpinion {
  channel: Channel;
  author_kind: AuthorKind;
  building_label: string | null;
  body: string | null;
  disposition: Disposition | null;
  disposition_reason: string | null;
}

/** How the report names an opinion's author, with how it was received when not online. */
export function authorLabel(o: Pick<RecordedOpinion, 'channel' | 'author_kind' | 'building_label'>, t = zh): string {
  const a = reportAuthorKey(o.author_kind, o.building_label);
  const who = t(a.key as never, a.params);
  return o.channel === 'online' ? who : `${who}${t('consult.report.via', { channel: t(`consult.channel.${o.channel}` as never) })}`;
}

export function reportText(r: {
  title: string;
  projectTitle: string;
  openedAt: Date;
  closedAt: Date;
  earlyReason: string | null;
  opinions: RecordedOpinion[];
}): { title: string; body: string } {
  const lines: string[] = [
    zh('consult.report.lead', {
      project: r.projectTitle,
      title: r.title,
      from: formatDate(r.openedAt, 'zh'),
      to: formatDate(r.closedAt, 'zh'),
      n: r.opinions.length,
    }),
  ];
  if (r.earlyReason) lines.push(zh('consult.report.early', { reason: r.earlyReason }));
  if (r.opinions.length === 0) lines.push(zh('consult.report.none'));
  r.opinions.forEach((o, i) => {
    lines.push('');
    lines.push(`${i + 1}. ${authorLabel(o)}`);
    lines.push(zh('consult.report.opinion', { text: o.body ?? zh('consult.report.hiddenText') }));
    lines.push(zh('consult.report.handled', { d: zh(`consult.disposition.${o.disposition ?? 'answered'}` as never), reason: o.disposition_reason ?? '' }));
  });
  return { title: zh('consult.report.title', { title: r.title }).slice(0, 200), body: lines.join('\n') };
}
