export const DOCUMENT_KINDS = ['design_drawing', 'plan', 'budget_approval', 'acceptance_report', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/**
 * OC4IDS documentType codes (documentType codelist, 0.9). The codelist has no 'other':
 * such documents are published without a documentType.
 */
export const OC4IDS_DOCUMENT_TYPE: Record<DocumentKind, string | null> = {
  design_drawing: 'technicalSpecifications',
  plan: 'projectPlan',
  budget_approval: 'budgetApproval',
  acceptance_report: 'completionCertificate',
  other: null,
};

export const PREVIEWABLE_IMAGE = new Set(['image/png', 'image/jpeg', 'image/webp']);
