// Responsible for the provider calls a bare client makes for given wallets: each protocol's requests with only their mandatory work (uuids, signing, encryption, lossless parsing of the answer), over undici's dispatch callbacks, ready to be made again.
import { randomUUID, type KeyObject } from "node:crypto";
import { parse } from "lossless-json";
import { Pool, type Dispatcher } from "undici";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import { ALPHASMS_PATH, REQUIRED_CONTENT_TYPE } from "../../src/providers/alphasms/codes.js";
import { balanceRequestBody } from "../../src/providers/alphasms/wire.js";
import { API_KEY_HEADER, NAMI_BALANCE_PATH, WALLET_TYPE_CODES } from "../../src/providers/nami/codes.js";
import { signedQueryString } from "../../src/providers/nami/signature.js";
import { SLOT_SPEC_PATHS } from "../../src/providers/slot-spec/codes.js";
import { OPERATION_GET_BALANCE, xpayPhone } from "../../src/providers/xpay/codes.js";
import { open, readPrivateKeyPem, readPublicKeyPem, seal } from "../../src/providers/xpay/envelope.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";

/** One upstream call, ready to be made again (fresh uuids, timestamps, signatures and keys each time). */
export type Call = () => Promise<void>;

/** An answer's body as text, from undici's dispatch callbacks: the cheapest read undici offers. */
function send(pool: Pool, options: Dispatcher.DispatchOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pool.dispatch(options, {
      // undici takes a handler with onRequestStart for one of its current API.
      onRequestStart: () => undefined,
      onResponseData: (_controller, chunk: Buffer) => void chunks.push(chunk),
      onResponseEnd: () => resolve(Buffer.concat(chunks).toString("utf8")),
      onResponseError: (_controller, error) => reject(error),
    });
  });
}

/** An answer a floor must not count: the simulators answered something else than a balance. */
function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`provider call: ${what}`);
}

const pools = new Map<string, Pool>();
function poolOf(config: ProviderConfig): { pool: Pool; base: string } {
  const url = new URL(config.baseUrl);
  let pool = pools.get(config.id);
  if (!pool) pools.set(config.id, (pool = new Pool(url.origin, { connections: config.maxConnections, keepAliveTimeout: 4_000 })));
  return { pool, base: url.pathname.replace(/\/+$/, "") };
}

/** The calls one provider gets for these wallets, by protocol: as few as its API allows (figure 1 holds the subgraph to the same). */
export function callsOf(config: ProviderConfig, walletIds: readonly string[], links: readonly DemoLink[]): Call[] {
  const { pool, base } = poolOf(config);
  const linked = (walletId: string) => links.filter((link) => link.providerId === config.id && link.walletId === walletId);
  switch (config.protocol) {
    case "slot-spec": {
      const search = `?${new URLSearchParams({ partner_id: config.partnerId, token: config.token }).toString()}`;
      const post = (path: string, body: () => object): Call => {
        return async () => {
          const answer = parse(
            await send(pool, {
              method: "POST",
              path: `${base}${path}${search}`,
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body()),
            }),
          ) as { status?: unknown };
          expect(answer.status === "OK", "a SLOT_SPEC answer is not OK");
        };
      };
      return walletIds.flatMap((id) =>
        config.userInfo
          ? [post(SLOT_SPEC_PATHS.info, () => ({ id, uuid: randomUUID() }))]
          : config.currencies.map((currency) => post(SLOT_SPEC_PATHS.balance, () => ({ id, currency, uuid: randomUUID() }))),
      );
    }
    case "alphasms": {
      const keys = new Map(config.accounts.map((account) => [account.ref, account.apiKey]));
      const refsByKey = new Map<string, Set<string>>();
      for (const walletId of walletIds) {
        for (const { accountRef } of linked(walletId)) {
          const key = keys.get(accountRef)!;
          refsByKey.set(key, (refsByKey.get(key) ?? new Set()).add(accountRef));
        }
      }
      return [...refsByKey].flatMap(([apiKey, refs]) => {
        const counts: number[] = [];
        for (let left = refs.size; left > 0; left -= config.maxItemsPerCall) counts.push(Math.min(left, config.maxItemsPerCall));
        return counts.map((count): Call => async () => {
          const answer = parse(
            await send(pool, {
              method: "POST",
              path: `${base}${ALPHASMS_PATH}`,
              headers: { "content-type": REQUIRED_CONTENT_TYPE },
              body: balanceRequestBody(apiKey, count),
            }),
          ) as { success?: unknown };
          expect(answer.success === true, "an AlphaSMS answer is not a success");
        });
      });
    }
    case "nami": {
      const accounts = new Map(config.accounts.map((account) => [account.ref, account]));
      const refs = new Set(walletIds.flatMap((walletId) => linked(walletId).map((link) => link.accountRef)));
      return [...refs].flatMap((ref) =>
        config.walletTypes.map((walletType): Call => {
          const account = accounts.get(ref)!;
          return async () => {
            const query = signedQueryString(account.apiSecret, [
              ["type", String(WALLET_TYPE_CODES[walletType])],
              ["timestamp", String(Date.now())],
            ]);
            const answer = parse(
              await send(pool, {
                method: "GET",
                path: `${base}${NAMI_BALANCE_PATH}?${query}`,
                headers: { [API_KEY_HEADER]: account.apiKey, "content-type": "application/json" },
              }),
            ) as { data?: unknown };
            expect(typeof answer.data === "object" && answer.data !== null, "a Nami answer holds no data");
          };
        }),
      );
    }
    case "xpay": {
      const keys: { recipientPublicKey: KeyObject; senderPrivateKey: KeyObject } = {
        recipientPublicKey: readPublicKeyPem(config.xpayPublicKey),
        senderPrivateKey: readPrivateKeyPem(config.partnerPrivateKey),
      };
      const path = base === "" ? "/" : base;
      return walletIds.flatMap((walletId) =>
        linked(walletId).map((link): Call => {
          const { instrumentUuid, deviceId, phone } = link.details;
          return async () => {
            const data = {
              UserID: walletId,
              Phone: xpayPhone(phone!),
              DeviceID: deviceId,
              UUID: instrumentUuid,
              Transaction: { TransactionID: randomUUID(), TerminalID: config.terminalId, DateTime: "2026-12-03 12:00:00" },
            };
            const sealed = seal(JSON.stringify(data), keys);
            const body = JSON.stringify({
              Partner: { PartnerToken: config.partnerToken, OperationType: OPERATION_GET_BALANCE },
              Data: sealed.data,
              KeyAES: sealed.keyAes,
              Sign: sealed.sign,
            });
            const answer = parse(
              await send(pool, { method: "POST", path, headers: { "content-type": "application/json; charset=utf-8" }, body }),
            ) as { Data?: { EncodedData?: string }; KeyAES?: string; Sign?: string };
            const record = open(
              { data: answer.Data?.EncodedData ?? "", keyAes: answer.KeyAES ?? "", sign: answer.Sign ?? "" },
              { senderPublicKey: keys.recipientPublicKey, recipientPrivateKey: keys.senderPrivateKey },
            );
            expect((parse(record) as { uuid?: unknown }).uuid === instrumentUuid, "an XPAY record is about another instrument");
          };
        }),
      );
    }
    default:
      throw new Error(`provider calls: none for the protocol "${(config as { protocol: string }).protocol}"`);
  }
}

/** Closes the pools the calls were made over. */
export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((pool) => pool.close().catch(() => undefined)));
  pools.clear();
}
