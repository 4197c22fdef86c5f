# The nhi-steward GitHub App (the Probot server), as one bundle run with the flags of src/app/runtime.ts.
#
#   docker build -t nhi-steward .
#   docker run -p 3000:3000 --stop-timeout 30 \
#     -e APP_ID=123 -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=… [-e REDIS_URL=redis://…] nhi-steward
#
# Endpoints: /api/github/webhooks (GitHub), /healthz (liveness), /readyz (GitHub accepts the app's
# key; Redis answers when REDIS_URL is set), /metrics (Prometheus). On SIGTERM it stops taking
# deliveries and finishes those in flight for up to NHI_SHUTDOWN_GRACE_SECONDS (25): give the
# container longer than that to stop (`--stop-timeout 30`; Kubernetes' default grace is 30 s).
# Without Docker, scripts/smoke-app.ts builds and runs the same bundle, with the same flags and
# environment, against the sandbox GitHub (test/app/production-server.test.ts does too).

# Build stage: every dependency (esbuild is a development one), then scripts/build-app.mjs bundles
# src/app/server.ts and everything it imports (Probot, pino, ioredis, prom-client…) into one file.
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json LICENSE ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build-app.mjs scripts/build-package.mjs ./scripts/
COPY src ./src
RUN node scripts/build-app.mjs

# Runtime stage: Node and the bundle, nothing else (no node_modules, no npm install).
FROM node:24-slim

# NODE_ENV, MALLOC_ARENA_MAX and MALLOC_TRIM_THRESHOLD_ are src/app/runtime.ts's ENV (test/app/container.test.ts).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=1 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    HOST=0.0.0.0 \
    PORT=3000 \
    NHI_SHUTDOWN_GRACE_SECONDS=25

WORKDIR /app
# The file stays root's and read-only to the app; it runs as the image's unprivileged `node` user.
COPY --from=build /src/build/app/server.mjs /src/build/app/THIRD-PARTY-NOTICES.md /src/LICENSE ./
USER node

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

STOPSIGNAL SIGTERM
# The flags are src/app/runtime.ts's NODE_FLAGS (on the command line: NODE_OPTIONS refuses --initial-old-space-size).
CMD ["node", "--max-semi-space-size=4", "--initial-old-space-size=24", "--heap-growing-percent=100", "server.mjs"]
