# pipelines-mock image: build stage (npm ci compiles TypeScript and the native better-sqlite3, bakes the demo database),
# slim non-root runtime serving that database read-only.
FROM node:20-bookworm-slim AS build
# Toolchain for better-sqlite3 when no prebuilt binary matches (node-gyp needs python3, make and a C++ compiler).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY seed ./seed
# npm ci runs the package's install scripts (better-sqlite3) and its `prepare` script, which is the tsc build.
RUN npm ci && npm prune --omit=dev && npm cache clean --force
# Bake the demo database; rollback-journal mode, so that reading it needs no -wal/-shm files beside it (read-only disk).
RUN node bin/pipelines-mock.js seed demo --db /app/data/demo.sqlite \
  && node -e "new (require('better-sqlite3'))('/app/data/demo.sqlite').pragma('journal_mode = DELETE')"

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
  PIPELINES_MOCK_HOST=0.0.0.0 \
  PIPELINES_MOCK_PORT=8000 \
  PIPELINES_MOCK_DB=/app/data/demo.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/data ./data
COPY migrations ./migrations
COPY seed ./seed
COPY openapi ./openapi
# The image's `node` user (uid 1000) owns only /data, for a writable database (--simulate, admin writes);
# the code and the baked /app/data/demo.sqlite stay read-only to it.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PIPELINES_MOCK_PORT || 8000) + '/__admin/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/pipelines-mock.js", "serve", "--read-only"]
