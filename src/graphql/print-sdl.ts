// Responsible for the subgraph SDL as the router sees it: what `_service { sdl }` answers, with @link and @key.
import { execute, parse, type GraphQLSchema } from "graphql";
import { PROTOCOLS } from "../providers/protocols.js";
import { demoEndpoints, demoProviderConfigs } from "../sandbox/demo-providers.js";
import { buildWalletSchema } from "./schema.js";
import { supergraphSettings, type SupergraphSettings } from "./supergraph/supergraph-settings.js";

async function serviceSdl(schema: GraphQLSchema): Promise<string> {
  const result = await execute({ schema, document: parse("{ _service { sdl } }") });
  const sdl = (result.data as { _service?: { sdl?: string } } | null)?._service?.sdl;
  if (!sdl) throw new Error(`the schema did not print its SDL: ${JSON.stringify(result.errors)}`);
  return sdl;
}

/** The sandbox's providers as schema.graphql counts them, at every protocol's placeholder endpoints. */
export const PRINTED_PROVIDERS = demoProviderConfigs({
  limits: { timeoutMs: 3000, maxConnections: 16 },
  ...demoEndpoints(PROTOCOLS.map((protocol) => protocol.demo.placeholderEndpoints)),
});

/** schema.graphql's settings: the default scope names and the sandbox's providers. */
export const PRINTED_SETTINGS: SupergraphSettings = supergraphSettings(PRINTED_PROVIDERS);

export async function printWalletSubgraphSdl(settings: SupergraphSettings = PRINTED_SETTINGS): Promise<string> {
  const header = "# The wallet subgraph's schema, printed from the code by `npm run schema`. Do not edit by hand.\n\n";
  return `${header}${(await serviceSdl(await buildWalletSchema(settings))).trim()}\n`;
}
