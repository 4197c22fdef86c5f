# The nhi-steward GitHub App (the Probot server). Node 24 runs the TypeScript sources as they are
# (type stripping), so there is no build step: the image is the production dependencies and src/.
#
#   docker build -t nhi-steward .
#   docker run -p 3000:3000 --stop-timeout 30 \
#     -e APP_ID=123 -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=… [-e REDIS_URL=redis://…] nhi-steward
#
# Endpoints: /api/github/webhooks (GitHub), /healthz (liveness), /readyz (GitHub accepts the app's
# key; Redis answers when REDIS_URL is set), /metrics (Prometheus). On SIGTERM it stops taking
# deliveries and finishes those in flight for up to NHI_SHUTDOWN_GRACE_SECONDS (25): give the
# container longer than that to stop (`--stop-timeout 30`; Kubernetes' default grace is 30 s).
# Without Docker, scripts/smoke-app.ts runs the same entry point against the sandbox GitHub.
FROM node:24-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    NHI_SHUTDOWN_GRACE_SECONDS=25

WORKDIR /app

# Production dependencies only; none of them needs an install script.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY src ./src

# Files stay root's and read-only to the app; it runs as the image's unprivileged `node` user.
USER node

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

STOPSIGNAL SIGTERM
CMD ["node", "src/app/server.ts"]
