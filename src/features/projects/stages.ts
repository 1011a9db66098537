/** The six implementation stages (实施步骤); every project is in exactly one. */
export const STAGES = [1, 2, 3, 4, 5, 6] as const;
export type Stage = (typeof STAGES)[number];

export const isStage = (n: unknown): n is Stage => typeof n === 'number' && (STAGES as readonly number[]).includes(n);

/** Marker colours, chosen for contrast against both map tiles and white. */
export const STAGE_COLOURS: Record<Stage, string> = {
  1: '#6b4c9a',
  2: '#1f5fa8',
  3: '#b35900',
  4: '#a3174a',
  5: '#1d7a46',
  6: '#3d4a57',
};

/** OC4IDS projectStatus for a stage: acceptance still belongs to implementation. */
export function oc4idsStatus(stage: Stage): 'identification' | 'preparation' | 'implementation' | 'completion' {
  if (stage === 1) return 'identification';
  if (stage === 2) return 'preparation';
  if (stage <= 4) return 'implementation';
  return 'completion';
}

export interface StageEvent {
  stage: Stage;
  enteredOn: string;
}

/**
 * The timeline shown on a project page: one row per stage, in order, with the date the
 * project entered it (the latest entry when a stage was re-entered) and its state.
 */
export function timeline(current: Stage, events: StageEvent[]) {
  const entered = new Map<Stage, string>();
  for (const e of [...events].sort((a, b) => a.enteredOn.localeCompare(b.enteredOn))) entered.set(e.stage, e.enteredOn);
  return STAGES.map((stage) => ({
    stage,
    enteredOn: entered.get(stage) ?? null,
    state: stage < current ? ('done' as const) : stage === current ? ('current' as const) : ('upcoming' as const),
  }));
}
