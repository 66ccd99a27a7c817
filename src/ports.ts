/**
 * The capabilities the application needs, one interface per integration. Adapters implement
 * them; only `app.ts` knows which adapter stands behind which port.
 */
import type { Form } from './core/form.ts';
import type { Message } from './core/message.ts';

export interface Clock {
  now(): Date;
}

export type ChatErrorCode = 'name_taken' | 'not_in_channel' | 'channel_not_found' | 'rate_limited' | 'other';

/** A chat call the provider refused; `retryAfterMs` when it said when to come back. */
export class ChatError extends Error {
  constructor(readonly code: ChatErrorCode, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'ChatError';
  }
}

export interface ChatPort {
  /** `slack` or `console`: shown in logs, never branched on by the application. */
  readonly transport: string;
  createChannel(name: string, opts: { private: boolean }): Promise<{ id: string; name: string }>;
  invite(channelId: string, userIds: string[]): Promise<void>;
  setTopic(channelId: string, topic: string): Promise<void>;
  post(channel: string, message: Message): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  postEphemeral(channel: string, user: string, message: Message): Promise<void>;
  openForm(triggerId: string, form: Form): Promise<void>;
  /** Escapes user text for the transport's markup (templates call it on every value). */
  escape(text: string): string;
}

/** What an outbound integration without credentials says instead of sending. */
export class NotConfigured extends Error {
  constructor(readonly integration: string, readonly missing: string[]) {
    super(`not sent (no credentials): ${integration} needs ${missing.join(', ')}`);
    this.name = 'NotConfigured';
  }
}

/** A provider error worth trying again (5xx, 429, network); `retryAfterMs` from Retry-After. */
export class TransientError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'TransientError';
  }
}

/** Cross-replica wake-ups (Redis pub/sub, or in-process). Never the source of truth. */
export interface WakeBus {
  publish(topic: string): Promise<void>;
  subscribe(topic: string, fn: () => void): Promise<void>;
  close(): Promise<void>;
}

/** A shared "at most N per interval" gate (Statuspage is about 1 request/s). */
export interface RateLimiter {
  /** Resolves when the caller may go ahead. */
  take(key: string, perSecond: number): Promise<void>;
}

export interface Health {
  /** Throws when the dependency cannot be reached. */
  ping(): Promise<void>;
}
