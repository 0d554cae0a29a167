// Runs before every test file: the decorator metadata polyfill type-graphql needs, as in src/main.ts.
import "reflect-metadata";
