// Responsible for what an account reference may be: the one rule the account links and the providers file share.

/** The longest account reference a link may name; the providers file holds its refs to it, so every configured ref can be linked. */
export const MAX_ACCOUNT_REF_LENGTH = 128;

/** True when `text` holds a C0 control character (U+0000 to U+001F); compared by code unit, since no surrogate falls in that range. */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) < 0x20) return true;
  return false;
}

/** 1 to MAX_ACCOUNT_REF_LENGTH characters, none of them a control character. */
export function isValidAccountRef(ref: string): boolean {
  return ref.length > 0 && ref.length <= MAX_ACCOUNT_REF_LENGTH && !hasControlCharacter(ref);
}
