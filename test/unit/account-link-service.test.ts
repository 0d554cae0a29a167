// Linking accounts to wallets: what an admin may link, what is refused, and that only non-secret details are kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountLinkErrorCode, AccountLinkService } from "../../src/accounts/account-link-service.js";
import { AccountLinkStore } from "../../src/accounts/account-links.js";
import { AccessPolicy, TRUSTED } from "../../src/auth/caller.js";
import { WalletAccess } from "../../src/auth/wallet-access.js";
import type { WalletProvider } from "../../src/providers/provider.js";
import { ProviderRegistry } from "../../src/providers/registry.js";
import { openStore, type Store } from "../../src/store/open-store.js";

// The first provider with linked accounts arrives with the next protocols; until then a minimal one stands in.
function provider(id: string, accounts: WalletProvider["accounts"]): WalletProvider {
  return {
    info: { id, name: id.toUpperCase(), protocol: "test", canRefund: false },
    accounts,
    loadBalances: async (queries) => queries.map(() => ({ balances: [], failures: [] })),
    close: async () => undefined,
  };
}

let store: Store;
let links: AccountLinkStore;
let service: AccountLinkService;
const admin = new WalletAccess(new AccessPolicy(), TRUSTED);

beforeAll(async () => {
  store = await openStore("sqlite::memory:");
  links = new AccountLinkStore(store.db);
  service = new AccountLinkService(new ProviderRegistry([provider("xpay", "linked"), provider("kyren", "per-user")]), links);
});

afterAll(async () => {
  await store?.close();
});

describe("linking an account", () => {
  it("links, keeps only the details given, and lists the link on the wallet", async () => {
    const result = await service.link(
      { walletId: "tester", providerId: "xpay", accountRef: "wallet-instrument" },
      { instrumentUuid: "0f8fad5b-d9cb-469f-a165-70867728950e", phone: "380501234567", deviceId: "dev-1", email: undefined },
    );
    expect(result.userErrors).toEqual([]);
    expect(result.link?.details).toEqual({
      instrumentUuid: "0f8fad5b-d9cb-469f-a165-70867728950e",
      phone: "380501234567",
      deviceId: "dev-1",
    });
    expect((await links.forWallet("tester")).map((link) => link.accountRef)).toEqual(["wallet-instrument"]);
  });

  it.each([
    [
      "a provider whose accounts are per user",
      { providerId: "kyren" },
      {},
      AccountLinkErrorCode.PROVIDER_NEEDS_NO_LINK,
      ["input", "providerId"],
    ],
    ["an unknown provider", { providerId: "nowhere" }, {}, AccountLinkErrorCode.PROVIDER_NOT_FOUND, ["input", "providerId"]],
    ["an empty wallet id", { walletId: "" }, {}, AccountLinkErrorCode.INVALID_WALLET_ID, ["input", "walletId"]],
    ["an empty account reference", { accountRef: "" }, {}, AccountLinkErrorCode.INVALID_ACCOUNT_REF, ["input", "accountRef"]],
    [
      "an instrument UUID that is not one",
      {},
      { instrumentUuid: "42" },
      AccountLinkErrorCode.INVALID_DETAILS,
      ["input", "details", "instrumentUuid"],
    ],
    ["a phone that is not a number", {}, { phone: "call me" }, AccountLinkErrorCode.INVALID_DETAILS, ["input", "details", "phone"]],
  ])("refuses %s", async (_name, request, details, code, field) => {
    const result = await service.link({ walletId: "bob", providerId: "xpay", accountRef: "bob-instrument", ...request }, details);
    expect(result).toEqual({ link: null, userErrors: [{ code, field, message: expect.any(String) }] });
    expect(await links.forWallet("bob")).toEqual([]);
  });

  it("refuses an account already linked to another wallet, and unlinks only from its own", async () => {
    const taken = await service.link({ walletId: "bob", providerId: "xpay", accountRef: "wallet-instrument" }, {});
    expect(taken.userErrors.map((e) => e.code)).toEqual([AccountLinkErrorCode.ACCOUNT_LINKED_TO_ANOTHER_WALLET]);

    const wrong = await service.unlink(admin, { walletId: "bob", providerId: "xpay", accountRef: "wallet-instrument" });
    expect(wrong.userErrors.map((e) => e.code)).toEqual([AccountLinkErrorCode.NOT_LINKED]);
    expect(await service.unlink(admin, { walletId: "tester", providerId: "xpay", accountRef: "wallet-instrument" })).toEqual({
      unlinked: true,
      userErrors: [],
    });
  });
});

describe("who may link", () => {
  it("refuses linking and unlinking without the admin scope, writing nothing", async () => {
    const reader = new WalletAccess(new AccessPolicy(), {
      subject: "carol",
      scopes: new Set(["wallet:refund", "wallet:read:all"]),
      trusted: false,
    });
    const request = { walletId: "carol", providerId: "xpay", accountRef: "carol-instrument" };
    const forbidden = [{ code: AccountLinkErrorCode.FORBIDDEN, field: null, message: "linking accounts needs the admin scope" }];
    expect(await service.linkAs(reader, request, {})).toEqual({ link: null, userErrors: forbidden });
    expect(await service.linksOf(reader.reader("carol"))).toEqual([]);

    expect((await service.linkAs(admin, request, {})).userErrors).toEqual([]);
    expect(await service.unlink(reader, request)).toEqual({ unlinked: false, userErrors: forbidden });
    expect((await service.linksOf(reader.reader("carol"))).map((link) => link.accountRef)).toEqual(["carol-instrument"]);
  });
});
