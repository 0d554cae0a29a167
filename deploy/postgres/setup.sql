-- The wallet subgraph's role and schema. Run once as an administrator, connected to the subgraph's database
-- (`CREATE DATABASE wallet;` first), then give the role a password: `\password wallet_subgraph` in psql.
-- The subgraph creates and migrates its own tables at start, so its role owns its schema and nothing else.

CREATE ROLE wallet_subgraph LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;

CREATE SCHEMA wallet_ledger AUTHORIZATION wallet_subgraph;

-- Its tables are found without naming the schema in the connection URL.
ALTER ROLE wallet_subgraph SET search_path = wallet_ledger;
