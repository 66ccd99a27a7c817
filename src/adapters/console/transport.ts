import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Form, FormValues } from '../../core/form.ts';
import type { Message } from '../../core/message.ts';
import type { Handlers } from '../../inbound.ts';
import type { ConsoleChat } from './chat.ts';
import { renderMessage } from './render.ts';

const CONSOLE_HELP = `Console commands:
  /dr <command>      what you would type in Slack (/dr help lists them)
  <n> or /press <n>  press button number n
  /as <user-id>      type as another person (e.g. /as U0ENGLEAD1)
  /in <channel>      type inside a channel (an incident channel makes INC-<n> optional)
  /quit              stop drbot`;

/**
 * The local console: one more transport feeding the same handlers as Slack. A person types
 * `/dr …`, presses buttons by number and answers forms question by question.
 */
export class ConsoleTransport {
  private user: string;
  private channel = 'console';
  private seq = 0;
  private lines: string[] = [];
  private waiting?: (line: string | undefined) => void;
  private ended = false;
  /** Incidents declared here whose channel is not open yet: the console moves into it when it opens. */
  private pendingJoins = 0;

  constructor(
    private readonly handlers: Handlers,
    private readonly chat: ConsoleChat,
    private readonly io: { input: Readable; out: Writable; err: Writable },
    o: { user: string },
  ) {
    this.user = o.user;
    chat.onChannelCreated = (id, name) => {
      if (this.pendingJoins === 0) return;
      this.pendingJoins--;
      this.channel = id;
      this.say(`(you are now in #${name}: commands here apply to this incident)`);
    };
  }

  private say(text: string): void {
    this.io.out.write(`${text}\n`);
  }

  private prompt(): void {
    this.io.out.write(`${this.chat.name(this.user)}@#${this.chat.name(this.channel)}> `);
  }

  private nextLine(): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Reads and runs lines until /quit or end of input. */
  async run(): Promise<void> {
    const rl = createInterface({ input: this.io.input, terminal: false });
    rl.on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(l);
      } else this.lines.push(l);
    });
    rl.on('close', () => {
      this.ended = true;
      this.waiting?.(undefined);
    });
    this.say(`drbot console — you are @${this.chat.name(this.user)}. Type /dr help, or /help for console commands.`);
    for (;;) {
      this.prompt();
      const line = await this.nextLine();
      if (line === undefined) break;
      if (!(await this.runLine(line.trim()))) break;
    }
    rl.close();
  }

  /** Runs one typed line; false means quit. */
  async runLine(line: string): Promise<boolean> {
    if (!line) return true;
    const key = () => `console:${process.pid}:${Date.now()}:${++this.seq}`;
    if (line === '/quit' || line === '/exit') return false;
    if (line === '/help') {
      this.say(CONSOLE_HELP);
      return true;
    }
    const as = /^\/as\s+(\S+)$/.exec(line);
    if (as) {
      this.user = as[1].replace(/^@/, '');
      this.say(`(you are now @${this.chat.name(this.user)})`);
      return true;
    }
    const inChannel = /^\/in\s+(\S+)$/.exec(line);
    if (inChannel) {
      const id = this.chat.channelByName(inChannel[1]);
      if (!id) this.io.err.write(`No channel ${inChannel[1]} yet.\n`);
      else {
        this.channel = id;
        this.say(`(you are now in #${this.chat.name(id)})`);
      }
      return true;
    }
    const press = /^(?:\/press\s+)?(\d+)$/.exec(line);
    if (press) {
      const b = this.chat.buttons[Number(press[1]) - 1];
      if (!b) {
        this.io.err.write(`There is no button ${press[1]}.\n`);
        return true;
      }
      const triggerId = key();
      this.say(`(@${this.chat.name(this.user)} pressed "${b.label}")`);
      const reply = await this.handlers.button({ requestKey: `${triggerId}:press`, userId: this.user, channelId: this.channel, action: b.action, value: b.value, triggerId });
      await this.show(reply.message, reply.refused);
      if (reply.form) await this.fillForm(reply.form);
      return true;
    }
    const dr = /^\/dr(?:\s+(.*))?$/.exec(line);
    if (!dr) {
      this.io.err.write(`Not a command: type /dr help, or /help for console commands.\n`);
      return true;
    }
    const triggerId = key();
    const text = dr[1] ?? '';
    const reply = await this.handlers.command({ requestKey: `${triggerId}:cmd`, userId: this.user, channelId: this.channel, text, triggerId });
    if (reply.declaredIncident) this.pendingJoins++;
    await this.show(reply.message, reply.refused);
    if (reply.form) await this.fillForm(reply.form);
    return true;
  }

  private async show(message: Message | undefined, refused?: boolean): Promise<void> {
    if (!message) return;
    const text = renderMessage(message, this.chat.name, (b) => {
      this.chat.buttons.push({ ...b, channel: this.channel });
      return this.chat.buttons.length;
    });
    if (refused) this.io.err.write(`${text}\n`);
    else this.say(`(only you see this) ${text}`);
  }

  /** Asks a form's questions one by one, then submits; field errors ask that field again. */
  private async fillForm(form: Form): Promise<void> {
    this.say(`-- ${form.title} (empty answer on an optional field skips it) --`);
    const values: FormValues = {};
    let fields = form.fields;
    for (;;) {
      for (const f of fields) {
        const options = f.options?.map((o, n) => `${n + 1}) ${o.label}`).join('  ');
        // Each answer is checked as it is typed: a wrong one asks the same question again.
        for (;;) {
          this.io.out.write(`${f.label}${f.optional ? ' (optional)' : ''}${options ? ` [${options}]` : ''}: `);
          const answer = (await this.nextLine())?.trim();
          if (answer === undefined) return;
          if (!answer) {
            if (f.optional) break;
            this.io.err.write(`${f.label} is needed.\n`);
            continue;
          }
          if (!f.options) {
            values[f.id] = answer;
            break;
          }
          const words = answer.split(/[ ,]+/);
          const picked = words.map((a) => f.options![Number(a) - 1]?.value ?? f.options!.find((o) => o.value === a || o.label.toLowerCase() === a.toLowerCase())?.value);
          if (picked.some((v) => !v) || (f.kind === 'select' && picked.length > 1)) {
            this.io.err.write(`"${answer}" is not ${f.kind === 'select' ? 'one of the choices' : 'among the choices'}: type ${f.kind === 'select' ? 'a number' : 'numbers'} from 1 to ${f.options.length}.\n`);
            continue;
          }
          values[f.id] = f.kind === 'select' ? picked[0] : (picked as string[]);
          break;
        }
      }
      const reply = await this.handlers.form({ requestKey: `console:form:${process.pid}:${Date.now()}:${++this.seq}`, userId: this.user, callbackId: form.callbackId, values, privateMetadata: form.privateMetadata });
      if (reply.fieldErrors && Object.keys(reply.fieldErrors).length) {
        for (const [field, err] of Object.entries(reply.fieldErrors)) this.io.err.write(`${field}: ${err}\n`);
        fields = form.fields.filter((f) => reply.fieldErrors![f.id]);
        if (!fields.length) return;
        continue;
      }
      if ('declaredIncident' in reply && reply.declaredIncident) this.pendingJoins++;
      await this.show(reply.message);
      return;
    }
  }
}
