/*
 * Treino's fast path: one training step of a network in a single call (net.c does the maths over
 * a DAG of ops; this file is its N-API face). tfjs-layers runs the same step as a few hundred
 * eager ops; this runs it as 3 sgemm per Dense layer plus fused loops.
 *
 * All weights, moving statistics and optimizer slots are JavaScript Float32Arrays held by the
 * caller; the network keeps pointers to them (and a reference, so they cannot be collected) and
 * updates them in place.
 */
#include "net.h"
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "codes.h" /* OP_, A_, L_ and O_ codes, generated from src/training/engine/fast/codes.ts */

/* ---------- N-API glue ---------- */

/* Tags our handles: an external from anywhere else (another addon's) is not taken for a network. */
static const napi_type_tag NET_TAG = { 0x7472656e6f6d6c70ULL, 0x6e65742d68616e64ULL };

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, #call " failed"); return NULL; } } while (0)

static napi_value prop(napi_env env, napi_value obj, const char *name) {
  napi_value v;
  napi_get_named_property(env, obj, name, &v);
  return v;
}

/* A number (or boolean) property; dflt when it is absent, null or not a number. */
static double num(napi_env env, napi_value obj, const char *name, double dflt) {
  napi_value v = prop(env, obj, name), n;
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t == napi_undefined || t == napi_null) return dflt;
  if (napi_coerce_to_number(env, v, &n) != napi_ok || napi_get_value_double(env, n, &d) != napi_ok || isnan(d)) return dflt;
  return d;
}


/* Frees what create() allocated (any of it may be NULL: free(NULL) is a no-op). */
static void release(Net *net) {
  for (int i = 0; i < net->nops; i++) {
    Op *op = &net->ops[i];
    for (int j = 0; j < op->np; j++) free(op->p[j].g);
    free(op->z); free(op->a); free(op->g); free(op->mask); free(op->xhat); free(op->rstd); free(op->idx); free(op->acc);
  }
  for (int k = 0; k < net->ninputs; k++) free(net->xb[k]);
  free(net->yb); free(net->wb);
  free(net);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  Net *net = data;
  napi_delete_reference(env, net->keep);
  release(net);
}

/* A RangeError, and create()'s partial network freed. */
static napi_value refuse(napi_env env, Net *net, const char *why) {
  release(net);
  napi_throw_range_error(env, NULL, why);
  return NULL;
}

/* An int property that must be a whole number in [lo, hi]; sets *ok to 0 otherwise. */
static int whole(napi_env env, napi_value obj, const char *name, int lo, int hi, int *ok) {
  const double d = num(env, obj, name, NAN);
  if (!(d >= lo && d <= hi && d == floor(d))) { *ok = 0; return lo; }
  return (int)d;
}

/* A Float32Array property of exactly n values (n 0: any length, returned in *n). */
static float *floats(napi_env env, napi_value obj, const char *name, size_t want, int *ok) {
  size_t len = 0;
  float *v = f32(env, prop(env, obj, name), &len);
  if (!v || (want && len != want)) { *ok = 0; return NULL; }
  return v;
}

/* One op's trainable variables: params: [{ value, l1, l2, slots: [Float32Array per optimizer slot] }], each `sizes[j]` long. */
static const char *readParams(napi_env env, napi_value s, Op *op, int count, const size_t *sizes, int nslots) {
  napi_value params = prop(env, s, "params");
  uint32_t np = 0;
  if (napi_get_array_length(env, params, &np) != napi_ok || np < (uint32_t)count || np > 2) return "params: one per variable of the layer";
  op->np = (int)np;
  for (uint32_t j = 0; j < np; j++) {
    napi_value pj;
    napi_get_element(env, params, j, &pj);
    Param *p = &op->p[j];
    int ok = 1;
    p->n = sizes[j];
    p->v = floats(env, pj, "value", p->n, &ok);
    p->l1 = (float)num(env, pj, "l1", 0); p->l2 = (float)num(env, pj, "l2", 0);
    p->g = malloc(p->n * sizeof(float));
    if (!ok) return "params[].value: a Float32Array as long as the variable";
    if (!p->g) return "out of memory for this network";
    napi_value slots = prop(env, pj, "slots");
    uint32_t ns = 0;
    if (nslots > 0 && (napi_get_array_length(env, slots, &ns) != napi_ok || ns < (uint32_t)nslots)) return "params[].slots: one per optimizer slot";
    for (uint32_t k = 0; k < (uint32_t)nslots; k++) {
      napi_value a;
      size_t len = 0;
      napi_get_element(env, slots, k, &a);
      p->slot[k] = f32(env, a, &len);
      if (!p->slot[k] || len != p->n) return "params[].slots: each as long as its variable";
    }
  }
  return NULL;
}

/* Reads and checks op i of the spec; NULL when it is sound, else why not. */
static const char *readOp(napi_env env, Net *net, napi_value s, int i, int nslots) {
  Op *op = &net->ops[i];
  int ok = 1;
  op->kind = whole(env, s, "kind", OP_DENSE, OP_IDENTITY, &ok);
  op->width = whole(env, s, "width", 1, 1 << 24, &ok);
  op->act = whole(env, s, "activation", A_LINEAR, A_LEAKY, &ok);
  if (!ok) return "ops[]: kind, width and activation";
  op->alpha = (float)num(env, s, "alpha", 0.3);
  op->rate = (float)num(env, s, "rate", 0);
  op->stddev = (float)num(env, s, "stddev", 0);
  op->eps = (float)num(env, s, "epsilon", 1e-3);
  op->momentum = (float)num(env, s, "momentum", 0.99);
  napi_value ins = prop(env, s, "inputs");
  uint32_t nin = 0;
  if (napi_get_array_length(env, ins, &nin) != napi_ok || nin < 1 || nin > MAX_IN) return "ops[].inputs: 1 to 16 node ids";
  op->nin = (int)nin;
  int sum = 0;
  for (uint32_t j = 0; j < nin; j++) {
    napi_value v;
    int32_t id;
    napi_get_element(env, ins, j, &v);
    if (napi_get_value_int32(env, v, &id) != napi_ok || id >= i || id < -net->ninputs) return "ops[].inputs: an earlier op or a model input";
    op->in[j] = id;
    sum += id >= 0 ? net->ops[id].width : net->inw[-1 - id];
  }
  const int inw = op->in[0] >= 0 ? net->ops[op->in[0]].width : net->inw[-1 - op->in[0]];
  const int single = op->kind != OP_CONCAT && op->kind != OP_ADD && op->kind != OP_MULTIPLY && op->kind != OP_AVERAGE;
  if (single && nin != 1) return "ops[].inputs: one for this kind";
  const size_t B = (size_t)net->maxBatch, n = B * op->width;
  const char *why = NULL;
  switch (op->kind) {
    case OP_DENSE: {
      const size_t sizes[2] = {(size_t)inw * op->width, (size_t)op->width};
      why = readParams(env, s, op, 1, sizes, nslots);
      op->z = malloc(n * sizeof(float));
      break;
    }
    case OP_BATCHNORM: case OP_LAYERNORM: {
      const size_t sizes[2] = {(size_t)op->width, (size_t)op->width};
      if (op->width != inw) return "a normalization keeps its input's width";
      if (!(op->eps > 0)) return "epsilon must be positive";
      why = readParams(env, s, op, 2, sizes, nslots);
      if (op->kind == OP_BATCHNORM) {
        op->mm = floats(env, s, "movingMean", op->width, &ok);
        op->mv = floats(env, s, "movingVariance", op->width, &ok);
        if (!ok) return "movingMean, movingVariance: Float32Arrays of the width";
      }
      op->xhat = malloc(n * sizeof(float));
      op->rstd = malloc((B > (size_t)op->width ? B : (size_t)op->width) * sizeof(float));
      if (op->kind == OP_BATCHNORM) op->acc = malloc(2 * (size_t)op->width * sizeof(double));
      break;
    }
    case OP_EMBEDDING: {
      op->vocab = whole(env, s, "vocab", 1, 1 << 24, &ok);
      op->dim = whole(env, s, "dim", 1, 1 << 16, &ok);
      if (!ok || (size_t)op->width != (size_t)inw * op->dim) return "embedding: vocab, dim, and width = input width x dim";
      const size_t sizes[1] = {(size_t)op->vocab * op->dim};
      why = readParams(env, s, op, 1, sizes, nslots);
      op->idx = malloc(B * inw * sizeof(int32_t));
      break;
    }
    case OP_CONCAT:
      if (sum != op->width) return "concatenate: width = the inputs' widths added";
      break;
    case OP_ADD: case OP_MULTIPLY: case OP_AVERAGE:
      for (uint32_t j = 0; j < nin; j++)
        if ((op->in[j] >= 0 ? net->ops[op->in[j]].width : net->inw[-1 - op->in[j]]) != op->width) return "a merge's inputs have its width";
      break;
    case OP_ACT:
      op->z = malloc(n * sizeof(float));
      /* fall through */
    default:
      if (op->width != inw) return "this kind keeps its input's width";
      if (op->kind == OP_DROPOUT) op->mask = malloc(n * sizeof(float));
  }
  if (why) return why;
  op->a = malloc(n * sizeof(float));
  op->g = malloc(n * sizeof(float));
  if (!op->a || !op->g || ((op->kind == OP_DENSE || op->kind == OP_ACT) && !op->z) || (op->kind == OP_DROPOUT && !op->mask)
      || ((op->kind == OP_BATCHNORM || op->kind == OP_LAYERNORM) && (!op->xhat || !op->rstd)) || (op->kind == OP_BATCHNORM && !op->acc)
      || (op->kind == OP_EMBEDDING && !op->idx))
    return "out of memory for this batch size and network";
  return NULL;
}

/*
 * create({ inputs: [width per model input], outUnits, loss, maxBatch, seed, optimizer: { type,
 *   beta1, beta2, epsilon, momentum, nesterov, rho, centered, iterations }, ops: [{ kind, inputs:
 *   [node id], width, activation, alpha, rate, stddev, epsilon, momentum, vocab, dim, params:
 *   [{ value, l1, l2, slots }], movingMean, movingVariance }] }) -> handle. The last op is the output.
 */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value spec;
  CHECK(napi_get_cb_info(env, info, &argc, &spec, NULL, NULL));
  Net *net = calloc(1, sizeof(Net));
  if (!net) { napi_throw_error(env, NULL, "create: out of memory"); return NULL; }
  net->outUnits = (int)num(env, spec, "outUnits", 0);
  net->loss = (int)num(env, spec, "loss", 0);
  net->maxBatch = (int)num(env, spec, "maxBatch", 0);
  uint64_t seed = (uint64_t)num(env, spec, "seed", 0);
  net->rng[0] = netSplitmix(&seed); net->rng[1] = netSplitmix(&seed);
  napi_value o = prop(env, spec, "optimizer");
  net->opt = (int)num(env, o, "type", 0);
  net->beta1 = (float)num(env, o, "beta1", 0.9); net->beta2 = (float)num(env, o, "beta2", 0.999);
  net->eps = (float)num(env, o, "epsilon", 1e-7); net->momentum = (float)num(env, o, "momentum", 0);
  net->rho = (float)num(env, o, "rho", 0.9); net->nesterov = num(env, o, "nesterov", 0) != 0;
  net->centered = num(env, o, "centered", 0) != 0; net->iterations = (int)num(env, o, "iterations", 0);
  net->accBeta1 = pow(net->beta1, net->iterations + 1); net->accBeta2 = pow(net->beta2, net->iterations + 1);

  if (net->outUnits < 1 || net->maxBatch < 1) return refuse(env, net, "outUnits and maxBatch must be positive");
  if (net->loss < L_CCE || net->loss > L_MAE) return refuse(env, net, "loss: unknown code");
  if (net->opt < O_SGD || net->opt > O_ADAGRAD) return refuse(env, net, "optimizer: unknown code");
  if (net->iterations < 0) return refuse(env, net, "optimizer.iterations must not be negative");
  napi_value inputs = prop(env, spec, "inputs");
  uint32_t ni = 0;
  if (napi_get_array_length(env, inputs, &ni) != napi_ok || ni < 1 || ni > MAX_INPUTS) return refuse(env, net, "inputs: 1 to 16 widths");
  const size_t B = (size_t)net->maxBatch;
  for (uint32_t k = 0; k < ni; k++) {
    napi_value v;
    int32_t w;
    napi_get_element(env, inputs, k, &v);
    net->ninputs = (int)k + 1; /* what release() frees */
    if (napi_get_value_int32(env, v, &w) != napi_ok || w < 1) return refuse(env, net, "inputs: positive widths");
    net->inw[k] = w;
    if (!(net->xb[k] = malloc(B * w * sizeof(float)))) return refuse(env, net, "out of memory for this batch size and network");
  }
  /* Slots each optimizer reads (update()): every one must be there, as long as its variable. */
  const int nslots = net->opt == O_SGD ? 0 : net->opt == O_MOMENTUM || net->opt == O_ADAGRAD ? 1 : net->opt == O_RMSPROP && net->centered ? 3 : 2;
  napi_value ops = prop(env, spec, "ops");
  uint32_t nops;
  CHECK(napi_get_array_length(env, ops, &nops));
  if (nops == 0 || nops > MAX_OPS) return refuse(env, net, "ops: 1 to 128");
  for (uint32_t i = 0; i < nops; i++) {
    napi_value s;
    napi_get_element(env, ops, i, &s);
    net->nops = (int)i + 1; /* what release() frees if this op fails */
    const char *why = readOp(env, net, s, (int)i, nslots);
    if (why) return refuse(env, net, why);
  }
  if (net->ops[nops - 1].width != net->outUnits) return refuse(env, net, "output width");
  net->yb = malloc(B * net->outUnits * sizeof(float));
  net->wb = malloc(B * sizeof(float));
  if (!net->yb || !net->wb) return refuse(env, net, "out of memory for this batch size and network");
  CHECK(napi_create_reference(env, spec, 1, &net->keep));
  napi_value handle;
  CHECK(napi_create_external(env, net, finalize, NULL, &handle));
  CHECK(napi_type_tag_object(env, handle, &NET_TAG));
  return handle;
}

static Net *unwrap(napi_env env, napi_value v) {
  napi_valuetype t;
  bool ours = false;
  Net *net = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return NULL;
  if (napi_check_object_type_tag(env, v, &NET_TAG, &ours) != napi_ok || !ours) return NULL;
  napi_get_value_external(env, v, (void **)&net);
  return net;
}

/* The model inputs' arrays from a JS array of Float32Arrays, each with at least `rows` rows of its width. */
static int inputArrays(napi_env env, const Net *net, napi_value arr, const float **x, size_t *rows) {
  uint32_t n = 0;
  bool isArray = false;
  if (napi_is_array(env, arr, &isArray) != napi_ok || !isArray || napi_get_array_length(env, arr, &n) != napi_ok || n != (uint32_t)net->ninputs) return 0;
  *rows = SIZE_MAX;
  for (uint32_t k = 0; k < n; k++) {
    napi_value v;
    size_t len = 0;
    napi_get_element(env, arr, k, &v);
    if (!(x[k] = f32(env, v, &len))) return 0;
    if (len / net->inw[k] < *rows) *rows = len / net->inw[k];
  }
  return 1;
}

/* Throws for an embedding index outside its table (the row's value, not a crash or a wrong row). */
static int checkIndices(napi_env env, const Net *net) {
  if (!net->bad) return 1;
  char msg[96];
  snprintf(msg, sizeof msg, "an embedding index %g is outside its table", net->badIndex);
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

/*
 * trainBatch(handle, xs, y, weights|null, order, start, size, lr, out): gathers rows
 * order[start..start+size) of each input in xs (an array of Float32Arrays) and takes one
 * optimizer step; out (Float64Array) gets the batch's [loss with penalties, accuracy, mae, mse]
 * as means over the batch.
 */
static napi_value trainBatch(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value a[9];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  Net *net = argc >= 9 ? unwrap(env, a[0]) : NULL;
  if (!net) { napi_throw_type_error(env, NULL, "trainBatch: not a network"); return NULL; }
  const float *x[MAX_INPUTS];
  size_t nx = 0, ny = 0, nw = 0, no = 0, nout = 0;
  const int xok = inputArrays(env, net, a[1], x, &nx);
  const float *y = f32(env, a[2], &ny), *w = f32(env, a[3], &nw);
  const int32_t *order = i32(env, a[4], &no);
  int32_t start = -1, size = 0;
  double lr = NAN;
  double *out = f64(env, a[8], &nout);
  napi_valuetype wt;
  napi_typeof(env, a[3], &wt);
  const int yw = net->loss == L_SCCE ? 1 : net->outUnits;
  if (!xok || !y || !order || !out || nout < 4 || (!w && wt != napi_null && wt != napi_undefined)
      || napi_get_value_int32(env, a[5], &start) != napi_ok || napi_get_value_int32(env, a[6], &size) != napi_ok || napi_get_value_double(env, a[7], &lr) != napi_ok
      || !isfinite(lr) || size < 1 || size > net->maxBatch || start < 0 || (size_t)start + size > no) {
    napi_throw_range_error(env, NULL, "trainBatch: bad arguments");
    return NULL;
  }
  for (int r = 0; r < size; r++) {
    if (order[start + r] < 0) { napi_throw_range_error(env, NULL, "trainBatch: row out of range"); return NULL; }
    const size_t row = (size_t)order[start + r];
    if (row >= nx || (row + 1) * yw > ny || (w && row >= nw)) { napi_throw_range_error(env, NULL, "trainBatch: row out of range"); return NULL; }
    for (int k = 0; k < net->ninputs; k++) memcpy(net->xb[k] + (size_t)r * net->inw[k], x[k] + row * net->inw[k], net->inw[k] * sizeof(float));
    memcpy(net->yb + (size_t)r * yw, y + row * yw, yw * sizeof(float));
    if (w) net->wb[r] = w[row];
  }
  const float *p = netForward(net, (const float *const *)net->xb, size, 1);
  if (!checkIndices(env, net)) return NULL;
  double m[4];
  netLoss(net, p, net->yb, w ? net->wb : NULL, size, m, 1);
  const double pen = netPenalties(net);
  netBackward(net, size);
  netStep(net, (float)lr);
  out[0] = m[0] / size + pen; out[1] = m[1] / size; out[2] = m[2] / size; out[3] = m[3] / size;
  return NULL;
}

/* evaluate(handle, xs, y, n, out): means over all n rows of [loss (unweighted, no penalty), acc, mae, mse]. */
static napi_value evaluate(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  Net *net = argc >= 5 ? unwrap(env, a[0]) : NULL;
  const float *x[MAX_INPUTS];
  size_t nx = 0, ny = 0, nout = 0;
  const int xok = net && inputArrays(env, net, a[1], x, &nx);
  const float *y = f32(env, a[2], &ny);
  int32_t n = -1;
  if (argc >= 5 && napi_get_value_int32(env, a[3], &n) != napi_ok) n = -1;
  double *out = f64(env, a[4], &nout);
  const int yw = net && net->loss == L_SCCE ? 1 : (net ? net->outUnits : 0);
  if (!net || !xok || !y || !out || nout < 4 || n < 0 || (size_t)n > nx || (size_t)n * yw > ny) { napi_throw_range_error(env, NULL, "evaluate: bad arguments"); return NULL; }
  double sum[4] = {0, 0, 0, 0};
  for (int s = 0; s < n; s += net->maxBatch) {
    const int rows = n - s < net->maxBatch ? n - s : net->maxBatch;
    const float *xs[MAX_INPUTS];
    for (int k = 0; k < net->ninputs; k++) xs[k] = x[k] + (size_t)s * net->inw[k];
    const float *p = netForward(net, xs, rows, 0);
    if (!checkIndices(env, net)) return NULL;
    double m[4];
    netLoss(net, p, y + (size_t)s * yw, NULL, rows, m, 0);
    for (int k = 0; k < 4; k++) sum[k] += m[k];
  }
  for (int k = 0; k < 4; k++) out[k] = n ? sum[k] / n : 0;
  return NULL;
}

/* reseed(handle, seed): the dropout stream for one epoch, so a resumed run draws the same masks. */
static napi_value reseed(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  Net *net = argc >= 2 ? unwrap(env, a[0]) : NULL;
  double s = NAN;
  if (!net || napi_get_value_double(env, a[1], &s) != napi_ok || !isfinite(s) || s < 0) { napi_throw_range_error(env, NULL, "reseed: a network and a seed"); return NULL; }
  uint64_t seed = (uint64_t)s;
  net->rng[0] = netSplitmix(&seed); net->rng[1] = netSplitmix(&seed);
  return NULL;
}

/* iterations(handle): optimizer steps taken (tfjs's optimizer.iterations). */
static napi_value iterations(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1], r;
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  Net *net = argc >= 1 ? unwrap(env, a[0]) : NULL;
  if (!net) { napi_throw_type_error(env, NULL, "iterations: not a network"); return NULL; }
  napi_create_int32(env, net->iterations, &r);
  return r;
}

/* linalg.c */
napi_value gramAccumulate(napi_env env, napi_callback_info info);
napi_value solveSpd(napi_env env, napi_callback_info info);
napi_value matmulLeading(napi_env env, napi_callback_info info);
napi_value matmulLeading64(napi_env env, napi_callback_info info);
napi_value hiddenDense(napi_env env, napi_callback_info info);

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
    {"trainBatch", NULL, trainBatch, NULL, NULL, NULL, napi_default, NULL},
    {"evaluate", NULL, evaluate, NULL, NULL, NULL, napi_default, NULL},
    {"reseed", NULL, reseed, NULL, NULL, NULL, napi_default, NULL},
    {"iterations", NULL, iterations, NULL, NULL, NULL, napi_default, NULL},
    {"gramAccumulate", NULL, gramAccumulate, NULL, NULL, NULL, napi_default, NULL},
    {"solveSpd", NULL, solveSpd, NULL, NULL, NULL, napi_default, NULL},
    {"matmulLeading", NULL, matmulLeading, NULL, NULL, NULL, napi_default, NULL},
    {"matmulLeading64", NULL, matmulLeading64, NULL, NULL, NULL, napi_default, NULL},
    {"hiddenDense", NULL, hiddenDense, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(d) / sizeof(d[0]), d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
