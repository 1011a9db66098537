import { z } from 'zod';
import { zId } from '../../lib/input.ts';

/** A flat and a person as a resident claims it or staff add it: the fields both forms share. */
export const flatPersonFields = {
  estateId: zId('err.required'),
  building: z.string().trim().min(1, 'err.required').max(20, 'err.tooLong'),
  entrance: z.string().trim().min(1, 'err.required').max(20, 'err.tooLong'),
  room: z.string().trim().min(1, 'err.required').max(20, 'err.tooLong'),
  name: z.string().trim().min(1, 'err.required').max(60, 'err.tooLong'),
  idType: z.enum(['resident_id', 'uscc', 'passport', 'hmt_permit']),
  idNumber: z.string().trim().min(5, 'err.idNumber').max(30, 'err.idNumber'),
};
