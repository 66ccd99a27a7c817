import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleChat } from '../../src/adapters/console/chat.ts';
import { ConsoleTransport } from '../../src/adapters/console/transport.ts';
import type { FormInput, Handlers } from '../../src/inbound.ts';
import { declareForm } from '../../src/service/forms.ts';

/** The console transport alone, with the application behind its inbound port replaced by a recorder. */
function consoleWith(lines: string[]) {
  const submitted: FormInput[] = [];
  const handlers: Handlers = {
    command: async () => ({ form: declareForm(false) }),
    button: async () => ({}),
    form: async (f) => {
      submitted.push(f);
      return {};
    },
    event: async () => undefined,
  };
  const input = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  let errText = '';
  err.on('data', (d) => (errText += String(d)));
  out.resume();
  const chat = new ConsoleChat(() => undefined);
  const transport = new ConsoleTransport(handlers, chat, { input, out, err }, { user: 'U0CONSOLE' });
  const done = transport.run();
  input.end(`${lines.join('\n')}\n`);
  return { done, submitted, errors: () => errText };
}

describe('console forms', () => {
  it('checks each answer as it is typed: a choice that is not offered asks the same question again', async () => {
    // severity "9" is refused at once and asked again; the next line answers severity, not the title.
    const c = consoleWith(['/dr declare', '9', '1', 'Lagos region unreachable', '', '', '', '/quit']);
    await c.done;
    expect(c.errors()).toContain('"9" is not one of the choices: type a number from 1 to 4.');
    expect(c.submitted).toHaveLength(1);
    expect(c.submitted[0].values).toEqual({ severity: 'sev1', title: 'Lagos region unreachable' });
  });

  it('asks a required field again when it is left empty', async () => {
    const c = consoleWith(['/dr declare', '2', '', 'Abuja latency', '', '', '', '/quit']);
    await c.done;
    expect(c.errors()).toContain('Title is needed.');
    expect(c.submitted[0].values).toEqual({ severity: 'sev2', title: 'Abuja latency' });
  });
});
