import { z } from 'zod';
import { zDate, zId } from '../../../lib/input.ts';
import { cleanText, MAX_COMMENT_CHARS } from './rules.ts';
import { DISPOSITIONS } from '../tables.ts';

// The forms of consultations; every message is a dictionary key shown next to its field.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const line = (v: unknown) => (typeof v === 'string' ? v.replace(CONTROL, '').trim() : v);
const para = (v: unknown) => (typeof v === 'string' ? cleanText(v).trim() : v);

/** Required one-line text. */
const text = (max: number) => z.preprocess((v) => line(v ?? ''), z.string().min(1, 'err.required').max(max, 'err.tooLong'));
/** Required multi-line text (line breaks kept). */
const paragraphs = (max: number) => z.preprocess((v) => para(v ?? ''), z.string().min(1, 'err.required').max(max, 'err.tooLong'));
/** Optional multi-line text: blank means none. */
const optionalParagraphs = (max: number) => z.preprocess((v) => para(v ?? ''), z.string().max(max, 'err.tooLong')).transform((v) => (v === '' ? null : v));
const optionalLine = (max: number) => z.preprocess((v) => line(v ?? ''), z.string().max(max, 'err.tooLong')).transform((v) => (v === '' ? null : v));
const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
/** A multi-select of ids (Astro reads every value of a field whose schema is an array). */
const ids = z.array(zId('err.notFound')).max(20, 'err.tooLong');

export const openInput = z.object({
  projectId: zId('err.notFound'),
  ballotId: z.preprocess(blankToUndefined, zId('err.notFound').optional()),
  title: text(200),
  body: optionalParagraphs(4000),
  lastDay: zDate('err.consultDate'),
  documentIds: ids,
});

export const commentInput = z.object({
  consultationId: zId('err.notFound'),
  parentId: z.preprocess(blankToUndefined, zId('err.notFound').optional()),
  body: paragraphs(MAX_COMMENT_CHARS),
});

export const editInput = z.object({ commentId: zId('err.notFound'), body: paragraphs(MAX_COMMENT_CHARS) });
export const commentIdInput = z.object({ commentId: zId('err.notFound') });

export const paperInput = z.object({
  consultationId: zId('err.notFound'),
  channel: z.enum(['paper', 'in_person'], { message: 'err.consultChannel' }),
  building: optionalLine(20),
  body: paragraphs(MAX_COMMENT_CHARS),
});

/** The reason staff give for hiding a comment, shown to its author (shared with rating comments). */
export const moderationReason = text(500);
export const hideInput = z.object({ commentId: zId('err.notFound'), reason: moderationReason });
export const reviewInput = z.object({
  commentId: zId('err.notFound'),
  decision: z.enum(['restore', 'keep_hidden'], { message: 'err.consultDecision' }),
  reason: z.preprocess((v) => line(v ?? ''), z.string().max(500, 'err.tooLong')).transform((v) => (v === '' ? null : v)),
});

export const closeInput = z.object({
  consultationId: zId('err.notFound'),
  earlyReason: z.preprocess((v) => line(v ?? ''), z.string().max(500, 'err.tooLong')).transform((v) => (v === '' ? null : v)),
});

export const disposeInput = z.object({
  opinionId: zId('err.notFound'),
  disposition: z.enum(DISPOSITIONS, { message: 'err.consultDisposition' }),
  reason: paragraphs(1000),
});

export const consultationIdInput = z.object({ consultationId: zId('err.notFound') });
