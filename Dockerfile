# One image for the API and the CPU workers (docker-compose.yml picks the command).
# With internet at build time, the optional @tensorflow/tfjs-node downloads libtensorflow and
# workers train on it (TFJS_BACKEND=auto); offline, postinstall builds its binding against a
# TensorFlow wheel passed in (TENSORFLOW_WHEEL / LIBTENSORFLOW_DIR), else WebAssembly is used.
# libopenblas-dev: postinstall builds the native MLP fast path and ELM products against it.
# libxgboost-dev: postinstall builds the xgboost family's binding (its header; libxgboost0 comes with it).
# GPU workers: Dockerfile.gpu (compose profile "gpu").
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1
# npm 11 honours package.json "allowScripts" (Prisma's engine downloads stay off).
RUN npm install -g npm@11 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ libopenblas-dev libxgboost-dev unzip fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY native ./native
# The GPU build of libtensorflow is of no use without CUDA (Dockerfile.gpu keeps it).
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@tensorflow/tfjs-node-gpu
COPY src ./src
# The CLI (npx treino) talks to any Treino API, this one included.
COPY bin ./bin
COPY cli ./cli
USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
