import type { Form, FormValues } from './core/form.ts';
import type { Message } from './core/message.ts';

/**
 * The inbound side: what every transport (Slack over HTTP, Socket Mode, the console) hands the
 * application, and what it answers. Transports import this file, never the service.
 */

/** A `/dr …` command. */
export interface CommandInput {
  /** Same for a retry of the same request (Slack: the trigger id). */
  requestKey: string;
  userId: string;
  channelId: string;
  text: string;
  triggerId?: string;
}

/** A button press on one of drbot's messages. */
export interface ButtonInput {
  requestKey: string;
  userId: string;
  channelId?: string;
  /** The button's id (Slack's `action_id`), `<namespace>.<name>` such as `approval.approve`. */
  action: string;
  value: string;
  triggerId?: string;
}

export interface FormInput {
  requestKey: string;
  userId: string;
  callbackId: string;
  values: FormValues;
  privateMetadata: string;
}

/** What the person who acted sees: an ephemeral answer, and/or a form to fill in. */
export interface Reply {
  message?: Message;
  /** True when the request was refused (the console prints it on stderr). */
  refused?: boolean;
  form?: Form;
  /** Set when this request declared a new incident. */
  declaredIncident?: number;
}

/** A form submission's answer: field errors keep the form open, otherwise it closes. */
export interface FormReply {
  fieldErrors?: Record<string, string>;
  message?: Message;
  declaredIncident?: number;
}

/** The inbound side every transport (Slack HTTP, Socket Mode, console) feeds. */
export interface Handlers {
  command(input: CommandInput): Promise<Reply>;
  button(input: ButtonInput): Promise<Reply>;
  form(input: FormInput): Promise<FormReply>;
  /** Events in channels drbot is in (Slack Events API: pin_added, reaction_added). */
  event(e: ChatEvent): Promise<void>;
}

export interface ChatEvent {
  type: string;
  /** Slack's event_id: the same for a retried delivery. */
  eventId: string;
  channelId: string;
  userId: string;
  ts?: string;
  reaction?: string;
  text?: string;
}

/** An alert as an alert source (Alertmanager's webhook) hands it to the application. */
export interface IncomingAlert {
  status: 'firing' | 'resolved';
  /** `alertname` is always there. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** With `startsAt`, names one firing of one alert: a repeated webhook carries the same pair. */
  fingerprint: string;
}

/** The alerts of one webhook, with the group they came in (later alerts of the group join its incident). */
export interface AlertBatch {
  groupKey: string;
  alerts: IncomingAlert[];
}
