# syntax=docker/dockerfile:1
#
# drbot's production image.
#
#   docker build -t drbot .
#   docker run --rm -p 3000:3000 --env-file .env drbot
#
# Your own config folder (drbot.yml, contacts.yml, commands/, notifications/, templates/,
# drills/) replaces the default one shipped in /config:
#
#   docker run --rm -p 3000:3000 --env-file .env -v "$PWD/my-config:/config:ro" drbot
#   docker run --rm -v "$PWD/my-config:/config:ro" drbot node dist/checkConfig.js   # validate only
#
# The embedded database (PGlite, used when DATABASE_URL is unset) lives in the /data volume.
# Several replicas need DATABASE_URL (PostgreSQL) and should have REDIS_URL: see docker-compose.yml.
#
# Base image: the official Node.js 22 LTS image on Debian 12, pinned to an exact release
# (22.23.2). Raise it deliberately; test/deploy checks that it stays pinned.

# ---- build: compile TypeScript to dist/ --------------------------------------------------
FROM node:22.23.2-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so editing the sources does not reinstall them. Scripts are skipped:
# `prepare` compiles, and the sources are not here yet; the compile step below does it.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY . .
# The project's own build (package.json "build"): tsc, the migrations, the bundled dist/main.js
# (scripts/bundle.mjs) and the prebuilt PGlite data dir.
RUN npm run build

# The default config folder (the repository's own), checked with the compiled code so that an
# image is never built around a config it would refuse at start.
ARG CONFIG_ENTRIES="drbot.yml contacts.yml commands notifications templates drills"
RUN mkdir -p /out/config \
 && for entry in $CONFIG_ENTRIES; do if [ -e "$entry" ]; then cp -R "$entry" /out/config/; fi; done \
 && DRBOT_CONFIG_DIR=/out/config node dist/checkConfig.js

# ---- runtime: production dependencies and the compiled code only -------------------------
FROM node:22.23.2-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# --ignore-scripts: no install script of a production dependency is needed, and `prepare`
# (the compile) must not run here: there is no TypeScript in this stage.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY --from=build /out/config /config

# /data holds the embedded database when DATABASE_URL is unset; owned by the runtime user.
RUN mkdir -p /data && chown node:node /data

# DRBOT_CONSOLE=off: a container has no terminal; without Slack credentials drbot still serves
# HTTP (status page, /alerts, metrics) and shows what it would have sent in its log.
ENV DRBOT_CONFIG_DIR=/config \
    DRBOT_DATA_DIR=/data \
    DRBOT_CONSOLE=off \
    PORT=3000

VOLUME ["/data"]
EXPOSE 3000

# The official image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# SIGTERM reaches node directly (exec form, PID 1): drbot finishes its in-flight steps and exits.
CMD ["node", "dist/main.js"]
