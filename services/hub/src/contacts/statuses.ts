/**
 * A contact's states as Prisma names them. The database (and every public answer) spells the
 * self-service states with hyphens; Prisma's identifiers cannot, so they map.
 */
export const finishedStatuses = ['ended', 'abandoned', 'self_served', 'abandoned_in_self_service'] as const;
// Raw SQL reads the states as PostgreSQL stores them (with hyphens); both spellings are finished.
const finished = new Set<string>([...finishedStatuses, 'self-served', 'abandoned-in-self-service']);

export function isFinished(status: string): boolean {
  return finished.has(status);
}

/** Whether the contact is still with the bot or the IVR, in either spelling. */
export function inSelfService(status: string): boolean {
  return status === 'self_service' || status === 'self-service';
}

/** The state as the API shows it: `self-served`, not Prisma's `self_served`. */
export function publicStatus(status: string): string {
  return status.replace(/_/g, '-');
}
