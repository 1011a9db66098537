/**
 * A hand-written transcription of the OC4IDS 0.9 requirements (project package and project
 * schema of 0.9.5, the newest 0.9.x, plus its codelists), as JSON Schema draft 2020-12.
 *
 * It exists because the official schema (draft-04, open-contracting/infrastructure,
 * schema/project-level/project-package-schema.json and project-schema.json) cannot be
 * shipped in this repository or fetched while the tests run offline. It was written from a
 * reading of those files, not copied. When OC4IDS_SCHEMA_DIR points at a copy of the
 * official files, tests/unit/oc4ids.test.ts also validates against them.
 *
 * What it encodes:
 * - everything the official schema requires: package uri / publisher.name / publishedDate /
 *   version (major.minor) / projects (≥ 1); project id; location, document, budget breakdown
 *   group and budget breakdown ids; formats (uri, date-time); minLength / minItems /
 *   minProperties 1; uniqueItems; the closed codelists projectStatus, projectType,
 *   geometryType and (as far as we use it) currency;
 * - stricter than the official schema, as our publication profile:
 *   * the open codelists partyRole, documentType and projectSector are closed here to their
 *     0.9 codes — we only publish codelist codes;
 *   * objects may only carry properties the standard defines (catches e.g. the 0.9.0–0.9.3
 *     `budget.budgetBreakdown` instead of 0.9.4+ `budget.budgetBreakdowns[].budgetBreakdown`);
 *   * ids are unique within each array (custom `uniqueIds` keyword; OC4IDS requires unique
 *     project ids in a package and unique ids in arrays for merging);
 *   * a Point has [longitude, latitude] in WGS84 ranges; amounts carry currency CNY;
 *   * the fields our profile always publishes are required.
 */
import type { KeywordDefinition } from 'ajv';

// ---------- codelists (OC4IDS 0.9.5) ----------

export const PROJECT_STATUS = [
  'identification',
  'preparation',
  'implementation',
  'completion',
  'maintenance',
  'decommissioning',
  'decommissioned',
  'cancelled',
] as const;

export const PROJECT_TYPE = ['construction', 'rehabilitation', 'replacement', 'expansion', 'decommissioning'] as const;

export const PARTY_ROLE = [
  'buyer',
  'procuringEntity',
  'supplier',
  'tenderer',
  'funder',
  'enquirer',
  'payer',
  'payee',
  'reviewBody',
  'interestedParty',
  'publicAuthority',
  'administrativeEntity',
  'climateFinanceFocalPoint',
  'independentMonitor',
] as const;

export const PROJECT_SECTOR = [
  'education',
  'health',
  'energy',
  'energy.solar',
  'energy.wind',
  'energy.hydropower',
  'energy.biomass',
  'energy.geothermal',
  'communications',
  'waterAndWaste',
  'governance',
  'economy',
  'cultureSportsAndRecreation',
  'transport',
  'transport.air',
  'transport.water',
  'transport.rail',
  'transport.road',
  'transport.urban',
  'transport.lowCarbon',
  'socialHousing',
  'naturalResources',
  'naturalResources.floodProtection',
] as const;

export const GEOMETRY_TYPE = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'] as const;

export const DOCUMENT_TYPE = [
  'plannedProcurementNotice',
  'tenderNotice',
  'awardNotice',
  'contractNotice',
  'completionCertificate',
  'procurementPlan',
  'biddingDocuments',
  'technicalSpecifications',
  'evaluationCriteria',
  'evaluationReports',
  'contractDraft',
  'contractSigned',
  'contractArrangements',
  'physicalProgressReport',
  'financialProgressReport',
  'hearingNotice',
  'marketStudies',
  'eligibilityCriteria',
  'clarifications',
  'shortlistedFirms',
  'environmentalImpact',
  'assetAndLiabilityAssessment',
  'riskProvisions',
  'winningBid',
  'complaints',
  'contractAnnexe',
  'contractGuarantees',
  'subContract',
  'feasibilityStudy',
  'projectPlan',
  'billOfQuantity',
  'bidders',
  'conflictOfInterest',
  'debarments',
  'illustration',
  'submissionDocuments',
  'contractSummary',
  'cancellationDetails',
  'valueForMoneyAnalysis',
  'serviceDescription',
  'estimatedDemand',
  'evaluationCommittee',
  'requestForQualification',
  'minutes',
  'negotiationParameters',
  'defaultEvents',
  'termination',
  'performanceReport',
  'needsAssessment',
  'socialImpact',
  'landAndSettlementImpact',
  'projectScope',
  'resettlementPlan',
  'projectEvaluation',
  'budgetApproval',
  'budgetAmendmentApproval',
  'financialAgreement',
  'financialAuditReport',
  'technicalAuditReport',
  'qualityAssuranceReport',
  'incorporationCertificate',
  'contractAmendment',
  'designReport',
  'paymentCertificate',
  'escalationApproval',
  'climateMeasures',
  'conservationMeasures',
  'environmentalMeasures',
  'policyAlignment',
  'procurementStrategyRiskAssessment',
  'lifeCycleCostMethodology',
  'costBenefitAnalysis',
  'environmentalExemption',
  'climateAndDisasterRiskAssessment',
  'climateTransformation',
  'decommissioningPlans',
  'impactMethodology',
  'inclusiveDesign',
  'inclusiveImplementation',
  'supplierEnvironmentalCertification',
  'supplierHealthAndSafetyCertification',
  'antiCorruptionCertification',
  'oversightReport',
  'informationRequest',
  'informationRequestResponse',
  'buildingInspectionReport',
  'ghgEmissionsForecast',
  'ghgEmissionsReduction',
  'ghgEmissions',
  'abatementCostMethodology',
  'minutes.lobbyingMeeting',
  'minutes.consultationMeeting',
  'consultationMeetingInvitation',
  'materialTestResults',
  'maintenancePlan',
] as const;

/** Every top-level project field of the 0.9.5 project schema. */
const PROJECT_FIELDS = [
  'id',
  'updated',
  'language',
  'identifiers',
  'publicAuthority',
  'title',
  'description',
  'budget',
  'period',
  'locations',
  'status',
  'type',
  'sector',
  'purpose',
  'additionalClassifications',
  'parties',
  'assetLifetime',
  'identificationPeriod',
  'preparationPeriod',
  'implementationPeriod',
  'completionPeriod',
  'maintenancePeriod',
  'decommissioningPeriod',
  'forecasts',
  'metrics',
  'milestones',
  'completion',
  'costMeasurements',
  'transactions',
  'documents',
  'contractingProcesses',
  'relatedProjects',
  'policyAlignment',
  'benefits',
  'social',
  'environment',
  'lobbyingMeetings',
];

// ---------- custom keyword ----------

/** `uniqueIds: true` on an array of objects: no two items share an `id`. */
export const uniqueIdsKeyword: KeywordDefinition = {
  keyword: 'uniqueIds',
  type: 'array',
  schemaType: 'boolean',
  errors: false,
  validate: (enabled: boolean, data: unknown[]) => {
    if (!enabled) return true;
    const seen = new Set<unknown>();
    for (const item of data) {
      if (item === null || typeof item !== 'object' || !('id' in item)) continue;
      const id = (item as { id: unknown }).id;
      if (seen.has(id)) return false;
      seen.add(id);
    }
    return true;
  },
};

// ---------- schema ----------

const text = { type: 'string', minLength: 1 } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const uri = { type: 'string', format: 'uri' } as const;

export const oc4idsPackageSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://gongzhi.invalid/schema/oc4ids-0.9-package.json',
  title: 'OC4IDS 0.9 project package (Gongzhi profile)',
  type: 'object',
  required: ['uri', 'publisher', 'publishedDate', 'projects', 'version'],
  propertyNames: { enum: ['uri', 'publishedDate', 'version', 'projects', 'publisher', 'license', 'publicationPolicy'] },
  properties: {
    uri,
    publishedDate: dateTime,
    // official: "major.minor"; this package is 0.9
    version: { type: 'string', pattern: '^(\\d+\\.)(\\d+)$', const: '0.9' },
    projects: { type: 'array', minItems: 1, uniqueItems: true, uniqueIds: true, items: { $ref: '#/$defs/Project' } },
    publisher: {
      type: 'object',
      required: ['name'],
      minProperties: 1,
      propertyNames: { enum: ['name', 'scheme', 'uid', 'uri'] },
      properties: { name: text, scheme: { type: ['string', 'null'] }, uid: { type: ['string', 'null'] }, uri: { type: ['string', 'null'], format: 'uri' } },
    },
    license: { type: ['string', 'null'], format: 'uri' },
    publicationPolicy: { type: ['string', 'null'], format: 'uri' },
  },
  $defs: {
    Project: {
      type: 'object',
      // official: id only; the rest is what our profile always publishes
      required: ['id', 'updated', 'language', 'publicAuthority', 'title', 'status', 'type', 'sector', 'purpose', 'parties'],
      propertyNames: { enum: PROJECT_FIELDS },
      properties: {
        // "must begin with a registered project identifier prefix": oc4ids-<prefix>-<local id>
        id: { type: 'string', minLength: 1, pattern: '^oc4ids-[a-z0-9]+-.+$' },
        updated: dateTime,
        language: text,
        identifiers: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: {
            type: 'object',
            required: ['id'],
            minProperties: 1,
            propertyNames: { enum: ['id', 'scheme'] },
            properties: { id: text, scheme: text },
          },
        },
        publicAuthority: { $ref: '#/$defs/OrganizationReference' },
        title: text,
        description: text,
        budget: {
          type: 'object',
          minProperties: 1,
          required: ['amount'],
          propertyNames: { enum: ['description', 'amount', 'requestDate', 'approvalDate', 'budgetBreakdowns', 'finance'] },
          properties: {
            description: text,
            amount: { $ref: '#/$defs/Value' },
            requestDate: dateTime,
            approvalDate: dateTime,
            budgetBreakdowns: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              uniqueIds: true,
              items: {
                type: 'object',
                required: ['id', 'budgetBreakdown'],
                minProperties: 1,
                propertyNames: { enum: ['id', 'description', 'budgetBreakdown'] },
                properties: {
                  id: text,
                  description: text,
                  budgetBreakdown: { type: 'array', minItems: 1, uniqueItems: true, uniqueIds: true, items: { $ref: '#/$defs/BudgetBreakdown' } },
                },
              },
            },
          },
        },
        period: { $ref: '#/$defs/Period' },
        identificationPeriod: { $ref: '#/$defs/Period' },
        preparationPeriod: { $ref: '#/$defs/Period' },
        implementationPeriod: { $ref: '#/$defs/Period' },
        completionPeriod: { $ref: '#/$defs/Period' },
        maintenancePeriod: { $ref: '#/$defs/Period' },
        decommissioningPeriod: { $ref: '#/$defs/Period' },
        locations: { type: 'array', minItems: 1, uniqueItems: true, uniqueIds: true, items: { $ref: '#/$defs/Location' } },
        status: { type: 'string', enum: PROJECT_STATUS },
        type: { type: 'string', enum: PROJECT_TYPE },
        sector: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: PROJECT_SECTOR } },
        purpose: text,
        parties: { type: 'array', minItems: 1, uniqueItems: true, uniqueIds: true, items: { $ref: '#/$defs/Organization' } },
        documents: { type: 'array', minItems: 1, uniqueItems: true, uniqueIds: true, items: { $ref: '#/$defs/Document' } },
        completion: {
          type: 'object',
          minProperties: 1,
          propertyNames: { enum: ['endDate', 'endDateDetails', 'finalValue', 'finalValueDetails', 'finalScope', 'finalScopeDetails'] },
          properties: {
            endDate: dateTime,
            endDateDetails: text,
            finalValue: { $ref: '#/$defs/Value' },
            finalValueDetails: text,
            finalScope: text,
            finalScopeDetails: text,
          },
        },
      },
    },
    Value: {
      type: 'object',
      // official: minProperties 1; a money value is meaningless without both
      required: ['amount', 'currency'],
      propertyNames: { enum: ['amount', 'currency'] },
      properties: {
        amount: { type: 'number' },
        // official: the ISO 4217 currency codelist (closed); we publish yuan only
        currency: { type: 'string', const: 'CNY' },
      },
    },
    Period: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: ['startDate', 'endDate', 'maxExtentDate', 'durationInDays'] },
      properties: { startDate: dateTime, endDate: dateTime, maxExtentDate: dateTime, durationInDays: { type: 'integer' } },
    },
    OrganizationReference: {
      type: 'object',
      minProperties: 1,
      required: ['id', 'name'],
      propertyNames: { enum: ['id', 'name'] },
      properties: { id: text, name: text },
    },
    Identifier: {
      type: 'object',
      minProperties: 1,
      required: ['scheme', 'id'],
      propertyNames: { enum: ['scheme', 'id', 'legalName', 'uri'] },
      properties: { scheme: text, id: text, legalName: text, uri },
    },
    Address: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: ['streetAddress', 'locality', 'region', 'postalCode', 'countryName'] },
      properties: { streetAddress: text, locality: text, region: text, postalCode: text, countryName: text },
    },
    Organization: {
      type: 'object',
      minProperties: 1,
      required: ['id', 'name', 'roles'],
      propertyNames: {
        enum: ['name', 'id', 'identifier', 'additionalIdentifiers', 'address', 'contactPoint', 'roles', 'beneficialOwners', 'classifications', 'people'],
      },
      properties: {
        name: text,
        id: text,
        identifier: { $ref: '#/$defs/Identifier' },
        additionalIdentifiers: { type: 'array', minItems: 1, uniqueItems: true, items: { $ref: '#/$defs/Identifier' } },
        address: { $ref: '#/$defs/Address' },
        roles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: PARTY_ROLE } },
      },
    },
    Location: {
      type: 'object',
      minProperties: 1,
      required: ['id', 'geometry'],
      propertyNames: { enum: ['id', 'description', 'geometry', 'gazetteer', 'uri', 'address'] },
      properties: {
        id: text,
        description: text,
        geometry: {
          type: 'object',
          minProperties: 1,
          required: ['type', 'coordinates'],
          propertyNames: { enum: ['type', 'coordinates'] },
          properties: {
            type: { type: 'string', enum: GEOMETRY_TYPE },
            coordinates: { type: 'array', minItems: 1, items: { type: ['number', 'array'] } },
          },
          // GeoJSON: a Point is [longitude, latitude(, elevation)] in WGS84 decimal degrees;
          // we publish 2-D points only
          if: { properties: { type: { const: 'Point' } } },
          then: {
            properties: {
              coordinates: {
                type: 'array',
                minItems: 2,
                items: false,
                prefixItems: [
                  { type: 'number', minimum: -180, maximum: 180 },
                  { type: 'number', minimum: -90, maximum: 90 },
                ],
              },
            },
          },
        },
        gazetteer: {
          type: 'object',
          minProperties: 1,
          properties: { scheme: text, identifiers: { type: 'array', minItems: 1, uniqueItems: true, items: text } },
        },
        uri: text,
        address: { $ref: '#/$defs/Address' },
      },
    },
    BudgetBreakdown: {
      type: 'object',
      minProperties: 1,
      required: ['id', 'amount'],
      propertyNames: { enum: ['id', 'description', 'amount', 'uri', 'period', 'sourceParty', 'approvalDate'] },
      properties: {
        id: text,
        description: text,
        amount: { $ref: '#/$defs/Value' },
        uri,
        period: { $ref: '#/$defs/Period' },
        sourceParty: { $ref: '#/$defs/OrganizationReference' },
        approvalDate: dateTime,
      },
    },
    Document: {
      type: 'object',
      minProperties: 1,
      required: ['id', 'title', 'url'],
      propertyNames: {
        enum: [
          'id',
          'documentType',
          'title',
          'description',
          'url',
          'datePublished',
          'dateModified',
          'format',
          'language',
          'pageStart',
          'pageEnd',
          'accessDetails',
          'author',
        ],
      },
      properties: {
        id: text,
        documentType: { type: 'string', enum: DOCUMENT_TYPE },
        title: text,
        description: text,
        url: uri,
        datePublished: dateTime,
        dateModified: dateTime,
        format: text,
        language: text,
      },
    },
  },
} as const;
