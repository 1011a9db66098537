import type { Message, RowFault } from './model.ts';

export function rowError(line: number, column: string | null, code: string, message: Message): RowFault {
  return { line, column, code, message, severity: 'error' };
}

export function rowWarning(line: number, column: string | null, code: string, message: Message): RowFault {
  return { line, column, code, message, severity: 'warning' };
}

export function hasErrors(faults: readonly RowFault[]): boolean {
  return faults.some((f) => f.severity === 'error');
}
