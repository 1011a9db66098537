import { sql, type Kysely } from 'kysely';
import type { Database } from '../../lib/db/schema.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { CSV_COLUMNS } from './projects-csv.ts';

type DB = Kysely<Database>;

/** Everything this site publishes is free to reuse with credit. */
export const LICENCE = { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' } as const;

/** Which date says when a feed last changed. */
export type FeedClock = 'projects' | 'bulletins' | 'results' | 'audit';

export interface Feed {
  id: string;
  title: MessageKey;
  description: MessageKey;
  format: string;
  /** The address; {code} or {id} stand for a project code or a vote's number. */
  url: string;
  /** A real address to try, when the feed needs a code or number. */
  example?: string;
  params?: string[];
  fields: readonly string[];
  clock: FeedClock;
}

const FILTERS = ['q', 'subdistrict', 'stage', 'year', 'category'];

/** The catalogue of the open-data page: every public feed, with its fields. */
export function feeds(sample: { projectCode: string | null; ballotId: number | null }): Feed[] {
  return [
    {
      id: 'geojson',
      title: 'openData.geojson',
      description: 'openData.geojsonDesc',
      format: 'GeoJSON',
      url: '/api/projects.geojson',
      params: FILTERS,
      clock: 'projects',
      fields: ['features[].geometry.coordinates [lng, lat]', 'features[].properties.code', 'features[].properties.title', 'features[].properties.stage'],
    },
    {
      id: 'csv',
      title: 'openData.csv',
      description: 'openData.csvDesc',
      format: 'CSV (UTF-8)',
      url: '/open-data/projects.csv',
      params: FILTERS,
      clock: 'projects',
      fields: CSV_COLUMNS,
    },
    {
      id: 'oc4ids',
      title: 'openData.oc4ids',
      description: 'openData.oc4idsDesc',
      format: 'JSON (OC4IDS 0.9)',
      url: '/open-data/oc4ids.json',
      clock: 'projects',
      fields: [
        'uri',
        'version',
        'publishedDate',
        'publisher',
        'projects[].id',
        'projects[].title',
        'projects[].status',
        'projects[].parties',
        'projects[].budget',
        'projects[].locations',
        'projects[].documents',
      ],
    },
    {
      id: 'project',
      title: 'openData.project',
      description: 'openData.projectDesc',
      format: 'JSON',
      url: '/api/projects/{code}.json',
      clock: 'projects',
      example: sample.projectCode ? `/api/projects/${encodeURIComponent(sample.projectCode)}.json` : undefined,
      fields: [
        'code',
        'title',
        'titleEn',
        'summary',
        'summaryEn',
        'batchYear',
        'stage',
        'plannedStart',
        'plannedEnd',
        'households',
        'publishedAt',
        'updatedAt',
        'isDemo',
        'subdistrict',
        'district',
        'estates[]',
        'stageEvents[]',
        'scope[]',
        'budget[]',
        'budgetTotalFen',
        'parties[]',
        'documents[]',
        'fees[]',
        'notices[]',
        'history[]',
        'donations {board[], receivedMoneyFen}',
        'residents {receivedMoneyFen}',
      ],
    },
    {
      id: 'ratings',
      title: 'openData.ratings',
      description: 'openData.ratingsDesc',
      format: 'JSON',
      url: '/api/projects/{code}/ratings.json',
      clock: 'projects',
      example: sample.projectCode ? `/api/projects/${encodeURIComponent(sample.projectCode)}/ratings.json` : undefined,
      fields: ['households', 'responses', 'goals[] {goal, count, mean, distribution[5]}'],
    },
    {
      id: 'ranking',
      title: 'openData.ranking',
      description: 'openData.rankingDesc',
      format: 'JSON',
      url: '/open-data/ranking.json',
      params: ['month', 'district'],
      clock: 'projects',
      fields: [
        'month',
        'district {code, name, nameEn}',
        'C',
        'm {ratingSum, ratingCount}',
        'subdistricts[] {rank, code, name, scores, inputs}',
        'subdistricts[].scores {progress, satisfaction, participation, overall}',
        'subdistricts[].inputs {ratingSum, ratingCount, projects, stageSum, households, responses}',
      ],
    },
    {
      id: 'results',
      title: 'openData.results',
      description: 'openData.resultsDesc',
      format: 'JSON',
      url: '/api/ballots/{id}/results.json',
      clock: 'results',
      example: sample.ballotId ? `/api/ballots/${sample.ballotId}/results.json` : undefined,
      fields: ['ballot {id, title, status, openedAt, closesAt, closedAt}', 'turnout', 'matters[]', 'byBuilding[]'],
    },
    {
      id: 'bulletin',
      title: 'openData.bulletin',
      description: 'openData.bulletinDesc',
      format: 'JSON',
      url: '/api/ballots/{id}/bulletin.json',
      params: ['version'],
      clock: 'bulletins',
      example: sample.ballotId ? `/api/ballots/${sample.ballotId}/bulletin.json` : undefined,
      fields: [
        'ballot {id, title, closedAt, version}',
        'matters[] {id, title, kind}',
        'voters[] {receipt, areaM2, votes}',
        'X-Content-SHA256',
        'X-Bulletin-Version',
        'X-Bulletin-Stage',
      ],
    },
    {
      id: 'objections',
      title: 'openData.objections',
      description: 'openData.objectionsDesc',
      format: 'JSON',
      url: '/api/ballots/{id}/objections.json',
      clock: 'bulletins',
      example: sample.ballotId ? `/api/ballots/${sample.ballotId}/objections.json` : undefined,
      fields: ['ballot {id, convener}', 'objectionPeriod {start, end}', 'versions[] {version, stage, publishedAt, objections[], cosignatures[]}'],
    },
    {
      id: 'audit-heads',
      title: 'openData.auditHeads',
      description: 'openData.auditHeadsDesc',
      format: 'JSON',
      url: '/api/audit/heads.json',
      clock: 'audit',
      fields: ['heads[] {day, entryId, hash}'],
    },
  ];
}

/** When each kind of feed last changed (null: nothing published yet), a sample project and the votes with a published result. */
export async function feedFacts(db: DB) {
  const [projects, bulletins, results, audit, sample, ballots] = await Promise.all([
    db
      .selectFrom('projects')
      .where('published_at', 'is not', null)
      .select(sql<Date | null>`max(updated_at)`.as('at'))
      .executeTakeFirst(),
    db
      .selectFrom('ballot_bulletins')
      .select(sql<Date | null>`max(published_at)`.as('at'))
      .executeTakeFirst(),
    db
      .selectFrom('ballots')
      .where('opened_at', 'is not', null)
      .select(sql<Date | null>`max(coalesce(closed_at, opened_at))`.as('at'))
      .executeTakeFirst(),
    db
      .selectFrom('audit_heads')
      .select(sql<Date | null>`max(recorded_at)`.as('at'))
      .executeTakeFirst(),
    db.selectFrom('projects').where('published_at', 'is not', null).select('code').orderBy('code').limit(1).executeTakeFirst(),
    db
      .selectFrom('ballots')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('ballot_bulletins')
            .select(sql`1`.as('one'))
            .whereRef('ballot_bulletins.ballot_id', '=', 'ballots.id'),
        ),
      )
      .select(['id', 'title'])
      .orderBy('id', 'desc')
      .limit(50)
      .execute(),
  ]);
  const date = (v: Date | string | null | undefined) => (v ? new Date(v) : null);
  return {
    updated: { projects: date(projects?.at), bulletins: date(bulletins?.at), results: date(results?.at), audit: date(audit?.at) } satisfies Record<
      FeedClock,
      Date | null
    >,
    projectCode: sample?.code ?? null,
    ballots,
  };
}
