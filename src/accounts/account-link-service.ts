// Responsible for linking and unlinking provider accounts to wallets (every refusal a user error, only non-secret details kept) and listing a wallet's links.
import { isValidAccountRef, MAX_ACCOUNT_REF_LENGTH } from "./account-ref.js";
import type { ReadableWallet, WalletAccess } from "../auth/wallet-access.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { isWalletId, MAX_WALLET_ID_LENGTH } from "../wallet/identifiers.js";
import type { AccountDetails, AccountLink, AccountLinkStore } from "./account-links.js";

export enum AccountLinkErrorCode {
  /** The caller lacks the admin scope; nothing was written. */
  FORBIDDEN = "FORBIDDEN",
  INVALID_WALLET_ID = "INVALID_WALLET_ID",
  PROVIDER_NOT_FOUND = "PROVIDER_NOT_FOUND",
  /** The provider keys accounts by user id: the wallet id is already the account. */
  PROVIDER_NEEDS_NO_LINK = "PROVIDER_NEEDS_NO_LINK",
  INVALID_ACCOUNT_REF = "INVALID_ACCOUNT_REF",
  INVALID_DETAILS = "INVALID_DETAILS",
  ACCOUNT_LINKED_TO_ANOTHER_WALLET = "ACCOUNT_LINKED_TO_ANOTHER_WALLET",
  NOT_LINKED = "NOT_LINKED",
}

export interface AccountLinkUserError {
  code: AccountLinkErrorCode;
  field: string[] | null;
  message: string;
}

export interface LinkResult {
  link: AccountLink | null;
  userErrors: AccountLinkUserError[];
}

export interface UnlinkResult {
  unlinked: boolean;
  userErrors: AccountLinkUserError[];
}

export interface AccountLinkRequest {
  walletId: string;
  providerId: string;
  accountRef: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// E.164: up to 15 digits, an optional leading "+" (XPAY writes 380xxxxxxxxx).
const PHONE = /^\+?[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const DEVICE_ID = /^[\x21-\x7e]{1,128}$/;

/** Lives for the process. */
export class AccountLinkService {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly store: AccountLinkStore,
  ) {}

  linksOf(wallet: ReadableWallet): Promise<AccountLink[]> {
    return this.store.forWallet(wallet.id);
  }

  /** A caller's link: the admin scope, else FORBIDDEN. */
  linkAs(access: WalletAccess, request: AccountLinkRequest, details: AccountDetails): Promise<LinkResult> {
    if (!access.mayLink) return Promise.resolve({ link: null, userErrors: [forbidden()] });
    return this.link(request, details);
  }

  /** The process's own link, asking no caller: the accounts its configuration names. */
  async link(request: AccountLinkRequest, details: AccountDetails): Promise<LinkResult> {
    const userErrors = [...this.validate(request), ...validateDetails(details)];
    if (userErrors.length > 0) return { link: null, userErrors };
    const result = await this.store.link(request.walletId, request.providerId, request.accountRef, compact(details));
    if ("linked" in result) return { link: result.linked, userErrors: [] };
    return {
      link: null,
      userErrors: [
        {
          code: AccountLinkErrorCode.ACCOUNT_LINKED_TO_ANOTHER_WALLET,
          field: ["input", "accountRef"],
          message: "this account is linked to another wallet; unlink it there first",
        },
      ],
    };
  }

  async unlink(access: WalletAccess, request: AccountLinkRequest): Promise<UnlinkResult> {
    if (!access.mayLink) return { unlinked: false, userErrors: [forbidden()] };
    const userErrors = this.validate(request);
    if (userErrors.length > 0) return { unlinked: false, userErrors };
    if (await this.store.unlink(request.walletId, request.providerId, request.accountRef)) return { unlinked: true, userErrors: [] };
    return {
      unlinked: false,
      userErrors: [{ code: AccountLinkErrorCode.NOT_LINKED, field: ["input", "accountRef"], message: "no such link on this wallet" }],
    };
  }

  private validate(request: AccountLinkRequest): AccountLinkUserError[] {
    const errors: AccountLinkUserError[] = [];
    const refuse = (code: AccountLinkErrorCode, field: string, message: string) => errors.push({ code, field: ["input", field], message });
    if (!isWalletId(request.walletId)) {
      refuse(AccountLinkErrorCode.INVALID_WALLET_ID, "walletId", `a wallet id has 1 to ${MAX_WALLET_ID_LENGTH} printable characters`);
    }
    const provider = this.providers.get(request.providerId);
    if (!provider) {
      refuse(AccountLinkErrorCode.PROVIDER_NOT_FOUND, "providerId", `no provider "${request.providerId.slice(0, 40)}" is configured`);
    } else if (provider.accounts === "per-user") {
      refuse(
        AccountLinkErrorCode.PROVIDER_NEEDS_NO_LINK,
        "providerId",
        `${provider.info.name} keeps one account per user id: the wallet id is the account, nothing to link`,
      );
    }
    if (!isValidAccountRef(request.accountRef)) {
      refuse(
        AccountLinkErrorCode.INVALID_ACCOUNT_REF,
        "accountRef",
        `an account reference has 1 to ${MAX_ACCOUNT_REF_LENGTH} printable characters`,
      );
    }
    return errors;
  }
}

function forbidden(): AccountLinkUserError {
  return { code: AccountLinkErrorCode.FORBIDDEN, field: null, message: "linking accounts needs the admin scope" };
}

function validateDetails(details: AccountDetails): AccountLinkUserError[] {
  const errors: AccountLinkUserError[] = [];
  const check = (field: keyof AccountDetails, pattern: RegExp, what: string) => {
    const value = details[field];
    if (value != null && !pattern.test(value)) {
      errors.push({ code: AccountLinkErrorCode.INVALID_DETAILS, field: ["input", "details", field], message: `${field} must be ${what}` });
    }
  };
  check("instrumentUuid", UUID, "a UUID");
  check("phone", PHONE, "a phone number in international form, such as 380501234567");
  check("deviceId", DEVICE_ID, "1 to 128 printable characters");
  check("email", EMAIL, "an email address");
  return errors;
}

function compact(details: AccountDetails): AccountDetails {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value != null));
}
