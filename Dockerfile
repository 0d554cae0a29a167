# The wallet-subgraph image: compiled and pruned to production dependencies in a build stage, run from a stage that copies the result.
# Built with any OCI engine; with podman, pass --format docker so that the HEALTHCHECK is kept.
# Nothing is downloaded at build time but packages from the npm registry: no native module, no compiler (see the README).

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so the layer is reused while the lockfile stays the same.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY src/ src/
# tsc into dist/, then GraphQL Playground's browser files into dist/public/playground/ (from a devDependency);
# then the devDependencies leave, so the runtime stage copies production dependencies only.
RUN npm run build \
 && rm -f dist/.tsbuildinfo \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4001
WORKDIR /app
# The application's files stay root's; the process cannot change them.
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The one place the process may write: a SQLite store (WALLET_STORE_URL=sqlite:/app/data/wallet.sqlite) on a volume.
RUN mkdir /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 4001
# Slim images have no curl: node's built-in fetch asks /health on the configured port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
