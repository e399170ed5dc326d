/*
 * XGBoost's C API (xgboost/c_api.h, Debian's libxgboost-dev) for Node: DMatrix from float32 rows,
 * a booster's parameters, one boosting round at a time, its evaluation, predictions (values,
 * margins, TreeSHAP contributions) and its model as UBJSON or JSON bytes.
 *
 * libxgboost is opened with dlopen on first use, not linked: a machine without the library still
 * loads this addon, and `open` says what is missing, so the xgboost family alone is refused
 * (409) while every other family keeps working. The header types every pointer we take.
 *
 * Everything here is synchronous: it runs in training processes, and on the API only for
 * /predict calls bounded by MAX_PREDICT_OPS.
 */
#define NAPI_VERSION 8
#include <dlfcn.h>
#include <math.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#define XGB_FUNCTIONS(X)              \
  X(XGBGetLastError)                  \
  X(XGBoostVersion)                   \
  X(XGDMatrixCreateFromMat_omp)       \
  X(XGDMatrixSetFloatInfo)            \
  X(XGDMatrixFree)                    \
  X(XGBoosterCreate)                  \
  X(XGBoosterFree)                    \
  X(XGBoosterSetParam)                \
  X(XGBoosterUpdateOneIter)           \
  X(XGBoosterEvalOneIter)             \
  X(XGBoosterPredictFromDMatrix)      \
  X(XGBoosterSaveModelToBuffer)       \
  X(XGBoosterLoadModelFromBuffer)     \
  X(XGBoosterSlice)                   \
  X(XGBoosterBoostedRounds)           \
  X(XGBoosterSetAttr)                 \
  X(XGBoosterGetAttr)

#define DECLARE(name) static __typeof__(name) *p_##name;
XGB_FUNCTIONS(DECLARE)

static void *library;
static char open_error[512];

/* A thrown JS error; always returns NULL so callers can `return throw_(...)`. */
static napi_value throw_(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* XGBoost's own message for the last failed call. */
static napi_value xgb_error(napi_env env, const char *call) {
  char msg[2048];
  snprintf(msg, sizeof msg, "%s: %s", call, p_XGBGetLastError ? p_XGBGetLastError() : "failed");
  return throw_(env, msg);
}

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != 0) return xgb_error(env, #call);   \
  } while (0)

/* open(path): loads libxgboost (once); returns null, or why it could not. */
static napi_value open_(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!library) {
    open_error[0] = 0; /* a failed open is tried again: the path may have changed */
    char path[1024] = "libxgboost.so.0";
    size_t len;
    napi_valuetype t;
    if (argc > 0 && napi_typeof(env, argv[0], &t) == napi_ok && t == napi_string) napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len);
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      snprintf(open_error, sizeof open_error, "%s", dlerror());
    } else {
#define RESOLVE(name)                                                                     \
  if (!open_error[0] && !(p_##name = (__typeof__(name) *)dlsym(lib, #name)))              \
    snprintf(open_error, sizeof open_error, "%s has no %s (XGBoost 1.7 or later is needed)", path, #name);
      XGB_FUNCTIONS(RESOLVE)
      if (open_error[0]) dlclose(lib);
      else library = lib;
    }
  }
  if (library) {
    napi_get_null(env, &out);
  } else {
    napi_create_string_utf8(env, open_error, NAPI_AUTO_LENGTH, &out);
  }
  return out;
}

static napi_value version(napi_env env, napi_callback_info info) {
  int major, minor, patch;
  char s[32];
  napi_value out;
  if (!library) return throw_(env, "libxgboost is not open");
  p_XGBoostVersion(&major, &minor, &patch);
  snprintf(s, sizeof s, "%d.%d.%d", major, minor, patch);
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out);
  return out;
}

/* A DMatrix or Booster as a JS external; freed by `free` or when collected. */
typedef struct {
  void *handle;
  int booster;
} Handle;

static void release(Handle *h) {
  if (h->handle) {
    if (h->booster) p_XGBoosterFree(h->handle);
    else p_XGDMatrixFree(h->handle);
  }
  h->handle = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  release((Handle *)data);
  free(data);
}

static napi_value wrap(napi_env env, void *handle, int booster) {
  Handle *h = malloc(sizeof *h);
  napi_value out;
  h->handle = handle;
  h->booster = booster;
  napi_create_external(env, h, finalize, NULL, &out);
  return out;
}

static void *unwrap(napi_env env, napi_value v, int booster) {
  Handle *h = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return NULL;
  napi_get_value_external(env, v, (void **)&h);
  if (!h || h->booster != booster) return NULL;
  return h->handle;
}

static float *f32(napi_env env, napi_value v, size_t *length) {
  bool is;
  napi_typedarray_type type;
  void *data;
  size_t len;
  *length = 0;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return NULL;
  if (napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok || type != napi_float32_array) return NULL;
  *length = len;
  return data;
}

static int32_t int_arg(napi_env env, napi_value v) {
  int32_t i = 0;
  napi_get_value_int32(env, v, &i);
  return i;
}

/* A JS string argument into buf; false if it is not one or does not fit. */
static bool str_arg(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok && len < size - 1;
}

/* Sets [name, value] string pairs on a booster; false (with a JS error thrown) on a bad pair or an XGBoost refusal. */
static bool set_params(napi_env env, BoosterHandle b, napi_value pairs) {
  uint32_t np = 0;
  napi_get_array_length(env, pairs, &np);
  for (uint32_t i = 0; i < np; i++) {
    napi_value pair, k, v;
    char name[128], value[1024];
    napi_get_element(env, pairs, i, &pair);
    napi_get_element(env, pair, 0, &k);
    napi_get_element(env, pair, 1, &v);
    if (!str_arg(env, k, name, sizeof name) || !str_arg(env, v, value, sizeof value)) {
      throw_(env, "a parameter is not a [name, value] pair of strings");
      return false;
    }
    if (p_XGBoosterSetParam(b, name, value) != 0) {
      xgb_error(env, "XGBoosterSetParam");
      return false;
    }
  }
  return true;
}

/* dmatrix(x: Float32Array, rows, cols, label: Float32Array | null, weight: Float32Array | null, threads) */
static napi_value dmatrix(napi_env env, napi_callback_info info) {
  size_t argc = 6, len, llen, wlen;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!library) return throw_(env, "libxgboost is not open");
  float *x = f32(env, argv[0], &len);
  int32_t rows = int_arg(env, argv[1]), cols = int_arg(env, argv[2]);
  if (!x || rows < 0 || cols <= 0 || (size_t)rows * (size_t)cols != len) return throw_(env, "dmatrix: x is not a Float32Array of rows x cols");
  float *label = f32(env, argv[3], &llen), *weight = f32(env, argv[4], &wlen);
  if (label && llen % (size_t)(rows ? rows : 1) != 0) return throw_(env, "dmatrix: labels do not match the rows");
  if (weight && wlen != (size_t)rows) return throw_(env, "dmatrix: one weight per row");
  DMatrixHandle m;
  CHECK(p_XGDMatrixCreateFromMat_omp(x, rows, cols, NAN, &m, int_arg(env, argv[5])));
  napi_value out = wrap(env, m, 0);
  if (label) CHECK(p_XGDMatrixSetFloatInfo(m, "label", label, llen));
  if (weight) CHECK(p_XGDMatrixSetFloatInfo(m, "weight", weight, wlen));
  return out;
}

/* booster(dmats: external[], params: [name, value][]) */
static napi_value booster(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!library) return throw_(env, "libxgboost is not open");
  napi_get_array_length(env, argv[0], &n);
  if (n > 8) return throw_(env, "booster: at most 8 matrices");
  DMatrixHandle dmats[8];
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    napi_get_element(env, argv[0], i, &v);
    if (!(dmats[i] = unwrap(env, v, 0))) return throw_(env, "booster: not a DMatrix");
  }
  BoosterHandle b;
  CHECK(p_XGBoosterCreate(dmats, n, &b));
  napi_value out = wrap(env, b, 1);
  return set_params(env, b, argv[1]) ? out : NULL;
}

/* load(bytes: Uint8Array, params) -> booster: a saved model (UBJSON or JSON) read back. */
static napi_value load(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data;
  size_t len;
  bool is;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!library) return throw_(env, "libxgboost is not open");
  if (napi_is_typedarray(env, argv[0], &is) != napi_ok || !is) return throw_(env, "load: bytes must be a Uint8Array");
  napi_typedarray_type type;
  napi_get_typedarray_info(env, argv[0], &type, &len, &data, NULL, NULL);
  if (type != napi_uint8_array) return throw_(env, "load: bytes must be a Uint8Array");
  BoosterHandle b;
  CHECK(p_XGBoosterCreate(NULL, 0, &b));
  napi_value out = wrap(env, b, 1);
  CHECK(p_XGBoosterLoadModelFromBuffer(b, data, len));
  return set_params(env, b, argv[1]) ? out : NULL;
}

/* update(booster, iteration, dtrain): one boosting round. */
static napi_value update(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  DMatrixHandle d = unwrap(env, argv[2], 0);
  if (!b || !d) return throw_(env, "update: not a booster and a DMatrix");
  CHECK(p_XGBoosterUpdateOneIter(b, int_arg(env, argv[1]), d));
  return NULL;
}

/* evaluate(booster, iteration, dmats[], names[]) -> XGBoost's line "[i]\tname-metric:value...". */
static napi_value evaluate(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  uint32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  if (!b) return throw_(env, "evaluate: not a booster");
  napi_get_array_length(env, argv[2], &n);
  if (n > 8) return throw_(env, "evaluate: at most 8 matrices");
  DMatrixHandle dmats[8];
  char names[8][64];
  const char *name_ptrs[8];
  for (uint32_t i = 0; i < n; i++) {
    napi_value v, s;
    napi_get_element(env, argv[2], i, &v);
    napi_get_element(env, argv[3], i, &s);
    if (!(dmats[i] = unwrap(env, v, 0)) || !str_arg(env, s, names[i], sizeof names[i])) return throw_(env, "evaluate: matrices and names");
    name_ptrs[i] = names[i];
  }
  const char *result;
  CHECK(p_XGBoosterEvalOneIter(b, int_arg(env, argv[1]), dmats, name_ptrs, n, &result));
  napi_create_string_utf8(env, result, NAPI_AUTO_LENGTH, &out);
  return out;
}

/*
 * predict(booster, dmat, type, iterationEnd) -> { values: Float32Array, shape: number[] }
 * type: 0 values, 1 margins, 2 TreeSHAP contributions (c_api.h's predict configuration).
 */
static napi_value predict(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out, values, shape, buffer;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  DMatrixHandle d = unwrap(env, argv[1], 0);
  if (!b || !d) return throw_(env, "predict: not a booster and a DMatrix");
  int32_t type = int_arg(env, argv[2]), end = int_arg(env, argv[3]);
  if (type < 0 || type > 2 || end < 0) return throw_(env, "predict: type 0..2, iterationEnd >= 0");
  char config[256];
  snprintf(config, sizeof config, "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": %d, \"strict_shape\": true}", type, end);
  const bst_ulong *dims;
  bst_ulong ndim;
  const float *result;
  CHECK(p_XGBoosterPredictFromDMatrix(b, d, config, &dims, &ndim, &result));
  size_t total = 1;
  napi_create_array_with_length(env, ndim, &shape);
  for (bst_ulong i = 0; i < ndim; i++) {
    napi_value v;
    total *= dims[i];
    napi_create_double(env, (double)dims[i], &v);
    napi_set_element(env, shape, i, v);
  }
  void *copy;
  napi_create_arraybuffer(env, total * sizeof(float), &copy, &buffer);
  memcpy(copy, result, total * sizeof(float));
  napi_create_typedarray(env, napi_float32_array, total, buffer, 0, &values);
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "values", values);
  napi_set_named_property(env, out, "shape", shape);
  return out;
}

/* save(booster, "ubj" | "json") -> Buffer */
static napi_value save(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  char format[8], config[64];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  if (!b || !str_arg(env, argv[1], format, sizeof format) || (strcmp(format, "ubj") && strcmp(format, "json")))
    return throw_(env, "save: a booster and \"ubj\" or \"json\"");
  snprintf(config, sizeof config, "{\"format\": \"%s\"}", format);
  bst_ulong len;
  const char *data;
  CHECK(p_XGBoosterSaveModelToBuffer(b, config, &len, &data));
  napi_create_buffer_copy(env, len, data, NULL, &out);
  return out;
}

/* slice(booster, begin, end) -> a booster of rounds [begin, end) */
static napi_value slice(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  if (!b) return throw_(env, "slice: not a booster");
  BoosterHandle out;
  CHECK(p_XGBoosterSlice(b, int_arg(env, argv[1]), int_arg(env, argv[2]), 1, &out));
  return wrap(env, out, 1);
}

static napi_value rounds(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  if (!b) return throw_(env, "rounds: not a booster");
  CHECK(p_XGBoosterBoostedRounds(b, &n));
  napi_create_int32(env, n, &out);
  return out;
}

/* setAttr(booster, key, value | null): attributes travel inside the saved model. */
static napi_value set_attr(napi_env env, napi_callback_info info) {
  size_t argc = 3, len;
  napi_value argv[3];
  char key[128];
  napi_valuetype t;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  if (!b || !str_arg(env, argv[1], key, sizeof key)) return throw_(env, "setAttr: a booster and a key");
  napi_typeof(env, argv[2], &t);
  if (t != napi_string) {
    CHECK(p_XGBoosterSetAttr(b, key, NULL));
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[2], NULL, 0, &len);
  char *value = malloc(len + 1);
  napi_get_value_string_utf8(env, argv[2], value, len + 1, &len);
  int rc = p_XGBoosterSetAttr(b, key, value);
  free(value);
  if (rc != 0) return xgb_error(env, "XGBoosterSetAttr");
  return NULL;
}

static napi_value get_attr(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  char key[128];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  BoosterHandle b = unwrap(env, argv[0], 1);
  if (!b || !str_arg(env, argv[1], key, sizeof key)) return throw_(env, "getAttr: a booster and a key");
  const char *value;
  int found;
  CHECK(p_XGBoosterGetAttr(b, key, &value, &found));
  if (found) napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &out);
  else napi_get_null(env, &out);
  return out;
}

/* free(handle): releases a DMatrix or booster now rather than when collected. */
static napi_value free_(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Handle *h = NULL;
  napi_valuetype t;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (napi_typeof(env, argv[0], &t) == napi_ok && t == napi_external && napi_get_value_external(env, argv[0], (void **)&h) == napi_ok && h) release(h);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", 0, open_, 0, 0, 0, napi_default, 0},         {"version", 0, version, 0, 0, 0, napi_default, 0},
      {"dmatrix", 0, dmatrix, 0, 0, 0, napi_default, 0},    {"booster", 0, booster, 0, 0, 0, napi_default, 0},
      {"load", 0, load, 0, 0, 0, napi_default, 0},          {"update", 0, update, 0, 0, 0, napi_default, 0},
      {"evaluate", 0, evaluate, 0, 0, 0, napi_default, 0},  {"predict", 0, predict, 0, 0, 0, napi_default, 0},
      {"save", 0, save, 0, 0, 0, napi_default, 0},          {"slice", 0, slice, 0, 0, 0, napi_default, 0},
      {"rounds", 0, rounds, 0, 0, 0, napi_default, 0},      {"setAttr", 0, set_attr, 0, 0, 0, napi_default, 0},
      {"getAttr", 0, get_attr, 0, 0, 0, napi_default, 0},   {"free", 0, free_, 0, 0, 0, napi_default, 0},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
