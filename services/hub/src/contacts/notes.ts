import { SentralError, type InternalNote } from '@sentral/contract';
import type { Database } from '@sentral/db';
import type { AgentPrincipal } from '../auth/tokens.ts';
import { recordEvent } from './messages.ts';

type NoteRow = { id: string; contactId: string; authorId: string | null; text: string; createdAt: Date };

/**
 * Stores an internal note. The contact's own agent may add one while the conversation is open or
 * waiting for wrap-up; supervisors and admins on any contact. Notes live in their own table and
 * never pass through the message path, so no channel can deliver one to the customer.
 */
export async function addInternalNote(db: Database, author: AgentPrincipal, contactId: string, text: string): Promise<InternalNote> {
  const stored = await db.$transaction(async (tx) => {
    const [contact] = await tx.$queryRaw<Array<{ agentId: string | null; status: string }>>`
      SELECT "agentId", status::text AS status FROM "Contact" WHERE id = ${contactId}::uuid FOR SHARE`;
    if (!contact) throw new SentralError('NOT_FOUND', 'no such contact');
    if (author.role === 'agent') {
      if (contact.agentId !== author.id) throw new SentralError('FORBIDDEN', 'this contact is not assigned to you');
      if (contact.status !== 'accepted' && contact.status !== 'ended') {
        throw new SentralError('CONFLICT', `the contact is ${contact.status}; notes are added during the conversation or its wrap-up`);
      }
    }
    const note = await tx.contactNote.create({ data: { contactId, authorId: author.id, text } });
    // The timeline says a note was left and by whom; the text stays in the note itself.
    await recordEvent(tx, contactId, 'noted', `${author.role === 'agent' ? 'agent' : 'supervisor'}:${author.id}`, { noteId: note.id });
    return note;
  });
  return toInternalNote(stored, new Map([[author.id, author.name]]));
}

/** The internal notes of the given contacts, oldest first, grouped by contact. */
export async function internalNotesOf(db: Database, contactIds: readonly string[]): Promise<Map<string, InternalNote[]>> {
  const grouped = new Map<string, InternalNote[]>();
  if (contactIds.length === 0) return grouped;
  const rows = await db.contactNote.findMany({ where: { contactId: { in: [...contactIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const authorIds = [...new Set(rows.map((row) => row.authorId).filter((id): id is string => id !== null))];
  const authors = authorIds.length ? await db.agent.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(authors.map((author) => [author.id, author.name]));
  for (const row of rows) {
    const list = grouped.get(row.contactId) ?? [];
    list.push(toInternalNote(row, names));
    grouped.set(row.contactId, list);
  }
  return grouped;
}

function toInternalNote(row: NoteRow, names: Map<string, string>): InternalNote {
  const name = row.authorId ? names.get(row.authorId) : undefined;
  return {
    id: row.id,
    contactId: row.contactId,
    at: row.createdAt.toISOString(),
    author: row.authorId && name ? { id: row.authorId, name } : null,
    text: row.text,
  };
}
