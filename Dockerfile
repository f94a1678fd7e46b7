# The Émargement server. Glibc base (bookworm): the gRPC client and
# better-sqlite3's prebuilt binaries do not support musl.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# package.json's "allowScripts" needs npm >= 11.16; the image's bundled npm may be older.
RUN npm install -g npm@11
COPY package.json package-lock.json ./
RUN npm ci
# Only what the build reads (there is no .dockerignore: never copy node_modules or data/).
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY bench ./bench
COPY test ./test
COPY scripts ./scripts
# `npm run build` builds the server and the web pages (apps/web/dist).
RUN npm run build \
 && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The server serves apps/web/dist (apps/server/src/app.ts).
COPY --from=build /app/apps/web/dist ./apps/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/server/src/main.js"]
