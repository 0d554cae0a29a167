# The wallet-subgraph image: compiled in a build stage, run from a slim stage that holds production dependencies only.
# test/e2e/docker-image.test.ts replays this file instruction by instruction (test/support/dockerfile-rehearsal.ts),
# and refuses any instruction it does not know: keep to FROM/WORKDIR/ENV/COPY/RUN/USER/EXPOSE/HEALTHCHECK/CMD.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so the layer is reused while the lockfile stays the same.
COPY package.json package-lock.json ./
RUN npm ci --prefer-offline --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY src/ src/
# tsc into dist/, then GraphQL Playground's browser files into dist/public/playground/ (from a devDependency).
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4001
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --prefer-offline --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The application's files stay root's; the process cannot change them.
USER node
EXPOSE 4001
# Slim images have no curl: node's built-in fetch asks /health on the configured port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
