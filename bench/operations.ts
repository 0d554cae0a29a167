// Responsible for the GraphQL operations the bench sends, and which balances each one asks of the providers.
export interface BalanceAsk {
  walletId: string;
  /** null: every currency. */
  currency: string | null;
}

export interface BenchOperation {
  name: string;
  /** The POST body. */
  body: string;
  /** The balances the operation needs: what the minimum number of upstream calls is computed from. */
  asks: BalanceAsk[];
}

const BALANCE_FIELDS = "provider { id name } account currency amount available locked";
const WALLET_FIELDS = `id balances { ${BALANCE_FIELDS} } failures { provider { id } code }`;

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query });

/** What the router sends for a list of users: one `_entities` request for every wallet. */
export function walletsByEntities(walletIds: readonly string[]): BenchOperation {
  return {
    name: `${walletIds.length} wallets via _entities`,
    body: body(
      `query Wallets($representations: [_Any!]!) { _entities(representations: $representations) { ... on Wallet { ${WALLET_FIELDS} } } }`,
      {
        representations: walletIds.map((id) => ({ __typename: "Wallet", id })),
      },
    ),
    asks: walletIds.map((walletId) => ({ walletId, currency: null })),
  };
}

export function oneWallet(walletId: string): BenchOperation {
  return {
    name: "one wallet, all currencies",
    body: body(`query OneWallet($id: ID!) { wallet(id: $id) { ${WALLET_FIELDS} } }`, { id: walletId }),
    asks: [{ walletId, currency: null }],
  };
}

/** Every shape whose upstream calls must be exactly the minimum. */
export function efficiencyShapes(walletIds: readonly string[]): BenchOperation[] {
  const [first] = walletIds as [string];
  return [
    oneWallet(first),
    walletsByEntities(walletIds.slice(0, 100)),
    {
      name: "aliases: the same balance twice",
      body: body(
        `query Aliases($id: ID!) {
          a: wallet(id: $id) { usd: balances(currency: "USD") { amount } again: balances(currency: "USD") { currency amount } }
          b: wallet(id: $id) { balances(currency: "USD") { account amount } }
        }`,
        { id: first },
      ),
      asks: [{ walletId: first, currency: "USD" }],
    },
    {
      name: "balances and total, same currency",
      body: body(`query BalancesAndTotal($id: ID!) { wallet(id: $id) { balances(currency: "USD") { amount } total(currency: "USD") } }`, {
        id: first,
      }),
      asks: [{ walletId: first, currency: "USD" }],
    },
    {
      name: "all currencies and one total",
      body: body(
        `query AllAndTotal($id: ID!) { wallet(id: $id) { balances { currency amount } total(currency: "USD") failures { code } } }`,
        {
          id: first,
        },
      ),
      asks: [
        { walletId: first, currency: null },
        { walletId: first, currency: "USD" },
      ],
    },
  ];
}
