# One image for every Beckon service; docker-compose picks the app with BECKON_APP.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
# config/default-caps.json is compiled in (dist/config/); the rest of config/ is for operators.
COPY config ./config
# tsc copies no assets: the dashboard's page and scripts, and the browser kit's, go beside their compiled controllers.
RUN npx tsc -p tsconfig.build.json && cp -r apps/api/src/dashboard/public dist/apps/api/src/dashboard/ \
  && cp -r apps/api/src/sdk/public dist/apps/api/src/sdk/ \
  && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TS_NODE_BASEURL=/app/dist HOST=0.0.0.0
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
CMD ["sh", "-c", "exec node -r tsconfig-paths/register dist/apps/${BECKON_APP}/src/main.js"]
