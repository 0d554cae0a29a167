// Responsible for the subgraph SDL as the router sees it: what `_service { sdl }` answers, with @link and @key.
import { execute, parse, type GraphQLSchema } from "graphql";
import { buildWalletSchema } from "./schema.js";

export async function serviceSdl(schema: GraphQLSchema): Promise<string> {
  const result = await execute({ schema, document: parse("{ _service { sdl } }") });
  const sdl = (result.data as { _service?: { sdl?: string } } | null)?._service?.sdl;
  if (!sdl) throw new Error(`the schema did not print its SDL: ${JSON.stringify(result.errors)}`);
  return sdl;
}

export async function printWalletSubgraphSdl(): Promise<string> {
  const header = "# The wallet subgraph's schema, printed from the code by `npm run schema`. Do not edit by hand.\n\n";
  return `${header}${(await serviceSdl(await buildWalletSchema())).trim()}\n`;
}
