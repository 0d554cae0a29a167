// Responsible for the subgraph SDL as the router sees it: what `_service { sdl }` answers, with @link and @key.
import { execute, parse, type GraphQLSchema } from "graphql";
import { demoProviderConfigs } from "../sandbox/demo-providers.js";
import { buildWalletSchema } from "./schema.js";
import { supergraphSettings, type SupergraphSettings } from "./supergraph/supergraph-settings.js";

export async function serviceSdl(schema: GraphQLSchema): Promise<string> {
  const result = await execute({ schema, document: parse("{ _service { sdl } }") });
  const sdl = (result.data as { _service?: { sdl?: string } } | null)?._service?.sdl;
  if (!sdl) throw new Error(`the schema did not print its SDL: ${JSON.stringify(result.errors)}`);
  return sdl;
}

const nowhere = { baseUrl: "http://provider.invalid" };

/** The sandbox's five providers as schema.graphql counts them (where they answer does not matter here). */
export const PRINTED_PROVIDERS = demoProviderConfigs({
  limits: { timeoutMs: 3000, maxConnections: 16 },
  kyren: { ...nowhere, partnerId: "kyren", token: "unused" },
  luckyMonaco: { ...nowhere, partnerId: "lucky-monaco", token: "unused" },
  alphaSms: { ...nowhere, accounts: [{ ref: "main", apiKey: "unused" }] },
  nami: { ...nowhere, accounts: [{ ref: "main", apiKey: "unused", apiSecret: "unused" }] },
  xpay: { ...nowhere, partnerToken: "unused", partnerPrivateKey: "unused", xpayPublicKey: "unused", terminalId: "unused" },
});

/** schema.graphql's settings: the default scope names and the sandbox's five providers. */
export const PRINTED_SETTINGS: SupergraphSettings = supergraphSettings(PRINTED_PROVIDERS);

export async function printWalletSubgraphSdl(settings: SupergraphSettings = PRINTED_SETTINGS): Promise<string> {
  const header = "# The wallet subgraph's schema, printed from the code by `npm run schema`. Do not edit by hand.\n\n";
  return `${header}${(await serviceSdl(await buildWalletSchema(settings))).trim()}\n`;
}
