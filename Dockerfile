# Runway on Cloud Run: the Next.js standalone server, migrations applied at start.
# Build: docker build -t runway .
# Run:   docker run -p 8080:8080 -e DATABASE_URL=… -e AUTH_SECRET=… -e AUTH_URL=https://… -e AUTH_GOOGLE_ID=… … runway
# (production mode: see README's Configuration for what it refuses to start without)
# linux/amd64 and linux/arm64 as one multi-platform image (each host pulls its own):
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGION-docker.pkg.dev/PROJECT/REPO/runway:TAG --push .
# Nothing below names an architecture: every stage runs on the platform being
# built (natively, or under QEMU emulation for the other one), so `npm ci` picks
# that platform's locked binaries (Next's SWC, Tailwind's engine, sharp).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# npm ci: exactly the lockfile, which holds the optional binaries of linux/amd64 and linux/arm64 alike.
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV RUNWAY_STANDALONE=1 NEXT_TELEMETRY_DISABLED=1
RUN npm run build

# Only what `prisma migrate deploy` needs, installed apart from the app.
FROM node:20-bookworm-slim AS migrator
WORKDIR /migrate
COPY --from=deps /app/node_modules/prisma ./node_modules/prisma
RUN npm install --no-save --no-audit --no-fund --ignore-scripts \
      prisma@$(node -p "require('./node_modules/prisma/package.json').version") \
      @prisma/adapter-pg@$(node -p "require('./node_modules/prisma/package.json').version") pg
COPY prisma.config.ts ./
COPY prisma ./prisma

FROM node:20-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOSTNAME=0.0.0.0 PORT=8080
RUN groupadd --system --gid 10001 runway && useradd --system --uid 10001 --gid runway runway
COPY --from=build --chown=runway:runway /app/.next/standalone ./
COPY --from=build --chown=runway:runway /app/.next/static ./.next/static
COPY --from=migrator --chown=runway:runway /migrate /migrate
COPY --chown=runway:runway scripts/docker-entrypoint.sh /usr/local/bin/runway-entrypoint
USER runway
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/runway-entrypoint"]
