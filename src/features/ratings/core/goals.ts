// The ten goals (十项目标, DOMAIN.md), in its order: goal n is column g<n> of a rating.

export const GOALS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type Goal = (typeof GOALS)[number];
export type GoalColumn = `g${Goal}`;
export const goalColumn = (g: Goal): GoalColumn => `g${g}`;
export type Scores = Record<GoalColumn, number>;

/** A rating may be entered from acceptance (工程验收, stage 4) on. */
export const RATING_FROM_STAGE = 4;
