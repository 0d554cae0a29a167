// Responsible for a JSON number of a request's variables kept as the text that arrived, for the scalars that must see every digit.

export class JsonNumberText {
  constructor(readonly text: string) {}

  /** How graphql-js prints an input it refuses: the number as it was written, as a parsed number would be. */
  toJSON(): string {
    return this.text;
  }
}
