// Responsible for what an account reference may be: the one rule the account links and the providers file share.

/** The longest account reference a link may name. */
export const MAX_ACCOUNT_REF_LENGTH = 128;

/** 1 to MAX_ACCOUNT_REF_LENGTH characters, none of them a C0 control character (U+0000 to U+001F). */
export function isValidAccountRef(ref: string): boolean {
  if (ref.length === 0 || ref.length > MAX_ACCOUNT_REF_LENGTH) return false;
  for (let index = 0; index < ref.length; index++) {
    if (ref.charCodeAt(index) < 0x20) return false;
  }
  return true;
}
