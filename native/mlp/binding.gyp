# Built by scripts/install-mlp.ts (postinstall) when a CBLAS (Debian: libopenblas-dev) is present.
{
  "targets": [{
    "target_name": "treino_mlp",
    "sources": ["mlp.c", "net.c", "linalg.c"],
    "cflags": ["-O3", "-std=c11", "-Wall", "-Wno-unused-parameter", "-fvisibility=hidden"],
    "libraries": ["-lopenblas", "-lm", "-lpthread"]
  }]
}
