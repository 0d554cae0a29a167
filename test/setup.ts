// Runs before every test file: the decorator metadata polyfill type-graphql needs (as in src/main.ts), and quiet logs
// unless a run asks for them (WALLET_LOG_LEVEL=info npm test); the secrets suite captures its own.
import "reflect-metadata";

process.env.WALLET_LOG_LEVEL ??= "silent";
