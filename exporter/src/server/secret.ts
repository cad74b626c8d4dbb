/**
 * A secret value (bearer token, private key) that cannot leak through logging or serialisation by
 * accident: `String()`, `JSON.stringify`, `util.inspect` (and so pino and console) all print
 * "[redacted]". Only an explicit `reveal()` gives the value back.
 */
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself, for the one place that needs it (a comparison, a TLS context). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
