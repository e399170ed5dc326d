# One image for the API and the workers (docker-compose.yml picks the command).
# With internet at build time, the optional @tensorflow/tfjs-node downloads libtensorflow and
# workers train on it (TFJS_BACKEND=auto); without, they fall back to WebAssembly.
# For NVIDIA GPUs build FROM an nvidia/cuda runtime image with Node 20 instead; tfjs-node-gpu
# is picked first when it loads.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1
# npm 11 honours package.json "allowScripts" (Prisma's engine downloads stay off).
RUN npm install -g npm@11 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
