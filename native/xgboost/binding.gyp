# Built by scripts/install-xgboost.ts (postinstall) when XGBoost's header (Debian: libxgboost-dev) is
# present. libxgboost itself is opened at run time (dlopen), so it is not linked here.
{
  "targets": [{
    "target_name": "treino_xgboost",
    "sources": ["xgb.c"],
    "cflags": ["-O2", "-std=gnu11", "-Wall", "-Wno-unused-parameter"],
    "libraries": ["-ldl"]
  }]
}
