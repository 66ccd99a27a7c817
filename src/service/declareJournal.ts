/**
 * Declares that arrive while the store is unreachable are not lost: each is appended to a small
 * local journal (one JSON line per request, fsync'd before the person is told "recorded
 * locally"), and replayed once the store answers. The request key makes the replay idempotent
 * (a crash mid-replay, or two replays, still declare once); the declarer then gets the INC number.
 * Reads (`/dr status`, `/dr list`) may be answered from a short-lived cache labelled with its age.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkTitle, parseCommand } from '../core/commands.ts';
import { isDomainError } from '../core/errors.ts';
import { textMessage, type Message } from '../core/message.ts';
import type { CommandInput, Reply } from '../inbound.ts';
import { isStoreUnavailable } from '../store/unavailable.ts';
import type { AppContext } from './context.ts';
import { fallbacks } from './storeDown.ts';

export interface JournalEntry extends CommandInput {
  at: string;
}

export class DeclareJournal {
  readonly file: string;
  private replaying = false;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'declare-journal.jsonl');
  }

  /** A `/dr declare <sev> <title>` (checked first), or undefined for anything else. */
  static declareOf(text: string): { title: string } | undefined {
    try {
      const cmd = parseCommand(text);
      if (cmd.verb !== 'declare' || !cmd.severity || !cmd.title) return undefined;
      return { title: checkTitle(cmd.title) };
    } catch (e) {
      if (isDomainError(e)) return undefined;
      throw e;
    }
  }

  /** Appends one request durably (written and fsync'd before this returns). */
  append(input: CommandInput, at: Date): void {
    // A retry of a request already journalled (Slack retries after 3 s) is the same entry.
    if (this.entries().some((e) => e.requestKey === input.requestKey)) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const line = `${JSON.stringify({ requestKey: input.requestKey, userId: input.userId, channelId: input.channelId, text: input.text, at: at.toISOString() } satisfies JournalEntry)}\n`;
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  entries(): JournalEntry[] {
    if (!existsSync(this.file)) return [];
    // A line cut short by a crash mid-write is skipped (its declarer was never told "recorded").
    return readFileSync(this.file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalEntry];
      } catch {
        return [];
      }
    });
  }

  /**
   * Declares every journalled request through `declare` (the ordinary command path, same request
   * key) and tells each declarer. Stops at the first "store unavailable" and keeps the rest.
   * Returns how many were replayed.
   */
  async replay(ctx: AppContext, declare: (input: CommandInput) => Promise<Reply>): Promise<number> {
    if (this.replaying) return 0;
    this.replaying = true;
    try {
      const all = this.entries();
      let done = 0;
      for (const e of all) {
        let reply: Reply;
        try {
          reply = await declare(e);
        } catch (err) {
          if (isStoreUnavailable(err)) break;
          reply = { refused: true, message: textMessage([`Your declare recorded locally at ${e.at} could not be carried out: ${(err as Error).message}`]) };
        }
        done++;
        this.keep(all.slice(done));
        ctx.log.info({ requestKey: e.requestKey, incident: reply.declaredIncident }, 'replayed a declare recorded locally while the store was down');
        const intro = textMessage([`The declare you sent while drbot's database was unreachable (${e.at}, "${e.text.slice(0, 200)}") is now recorded:`]);
        const told: Message = reply.message
          ? { fallback: `${intro.fallback}\n${reply.message.fallback}`, blocks: [...intro.blocks, ...reply.message.blocks] }
          : intro;
        await ctx.chat.post(e.userId, told).catch((err) => ctx.log.warn({ err, user: e.userId }, 'could not tell the declarer their INC number'));
      }
      return done;
    } finally {
      this.replaying = false;
    }
  }

  /** Rewrites the journal with what is left (write, fsync, rename: never half a file). */
  private keep(rest: JournalEntry[]): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, rest.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}

/** The answer to a declare journalled during an outage. */
export function journalledReply(ctx: AppContext, title: string): Reply {
  return {
    message: textMessage(
      [{ bold: 'Recorded locally' }, `: drbot cannot reach its database, so "${title}" is kept on this drbot's disk and will be declared once the database is back — the INC number follows then, in a message to you.`],
      ['Meanwhile reach people directly:'],
      ...fallbacks(ctx).map((l) => [l]),
    ),
  };
}

/** Recent answers to reads, for when the store does not answer: labelled with their age. */
export class ReadCache {
  private readonly answers = new Map<string, { at: number; reply: Reply }>();
  constructor(private readonly maxAgeMs = 5 * 60_000, private readonly max = 200) {}

  static isRead(text: string): boolean {
    try {
      const verb = parseCommand(text).verb;
      return verb === 'status' || verb === 'list';
    } catch {
      return false;
    }
  }

  put(input: CommandInput, reply: Reply): void {
    if (reply.refused || !reply.message) return;
    const key = `${input.channelId} ${input.text.trim().toLowerCase()}`;
    this.answers.delete(key);
    this.answers.set(key, { at: Date.now(), reply });
    if (this.answers.size > this.max) this.answers.delete(this.answers.keys().next().value!);
  }

  get(input: CommandInput): Reply | undefined {
    const hit = this.answers.get(`${input.channelId} ${input.text.trim().toLowerCase()}`);
    if (!hit || Date.now() - hit.at > this.maxAgeMs) return undefined;
    const age = Math.round((Date.now() - hit.at) / 1000);
    const m = hit.reply.message!;
    const label = `⚠ drbot cannot reach its database: this is its answer from ${age} s ago (cached, may be out of date).`;
    return { message: { fallback: `${label}\n${m.fallback}`, blocks: [{ type: 'section', lines: [[label]] }, ...m.blocks] } };
  }
}
