import type { Runbook } from '../core/runbook.ts';
import type { ContactsFile } from './contactsSchema.ts';

/** Loads `commands/*.yml`; problems name the file and the field. */
export function loadRunbooks(_base: string, _contacts: ContactsFile, _problems: string[]): Runbook[] {
  return [];
}
