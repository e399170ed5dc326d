/*
 * Treino's MLP fast path: one training step of a Dense/Dropout/Activation stack in a single call,
 * with the matrix products in BLAS (sgemm) and everything else in fused loops. tfjs-layers runs
 * the same step as a few hundred eager ops; this runs it as 3 sgemm per Dense layer plus loops.
 *
 * Semantics follow tfjs-layers 4.22 and tfjs-core's optimizers exactly (so the two paths agree
 * from the same weights): losses, metrics and penalties as in tfjs-layers' losses.ts, metrics.ts
 * and regularizers.ts; Adam/SGD/momentum/RMSprop/Adagrad updates as in tfjs-core/src/optimizers.
 * All weights and optimizer slots are JavaScript Float32Arrays held by the caller; this file
 * keeps pointers to them (and references, so they cannot be collected) and updates them in place.
 */
#include "napi_arrays.h"
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h" /* OP_, A_, L_ and O_ codes, generated from src/training/engine/fast/codes.ts */

#define EPS 1e-7f /* tfjs-layers' epsilon(), used by the losses' clipping */
#define MAX_OPS 64

typedef struct {
  int kind, in, out, act;
  float alpha, rate;           /* leaky alpha; dropout rate */
  float *w, *b;                /* dense kernel [in x out] row-major, bias [out] (NULL without) */
  float kl1, kl2, bl1, bl2;    /* l1/l2 on kernel and bias */
  float *gw, *gb;              /* gradients */
  float *z, *a, *mask;         /* pre-activation, output, dropout scale (per batch row) */
  float *slot[2][3];           /* optimizer slots: [kernel 0 / bias 1][slot kind] */
} Op;

typedef struct {
  int nops, in, outUnits, loss, opt, maxBatch, iterations;
  Op ops[MAX_OPS];
  float beta1, beta2, eps, momentum, rho;
  int nesterov, centered;
  double accBeta1, accBeta2;   /* Adam's running beta powers, as tfjs keeps them */
  float *xb, *yb, *wb, *da, *dz;
  uint64_t rng[2];
  napi_ref keep;               /* the JS object holding every array above that is JS-owned */
} Net;

/* ---------- activations ---------- */

static void activate(int act, float alpha, const float *z, float *a, int rows, int cols) {
  size_t n = (size_t)rows * cols;
  switch (act) {
    case A_LINEAR: if (a != z) memcpy(a, z, n * sizeof(float)); break;
    case A_RELU: for (size_t i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0; break;
    case A_RELU6: for (size_t i = 0; i < n; i++) a[i] = z[i] > 0 ? (z[i] < 6 ? z[i] : 6) : 0; break;
    case A_LEAKY: for (size_t i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * z[i]; break;
    case A_SIGMOID: for (size_t i = 0; i < n; i++) a[i] = 1.0f / (1.0f + expf(-z[i])); break;
    case A_TANH: for (size_t i = 0; i < n; i++) a[i] = tanhf(z[i]); break;
    case A_ELU: for (size_t i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : expm1f(z[i]); break;
    case A_SELU: {
      const float s = 1.0507009873554805f, al = 1.6732632423543772f;
      for (size_t i = 0; i < n; i++) a[i] = z[i] > 0 ? s * z[i] : s * al * expm1f(z[i]);
      break;
    }
    case A_SOFTPLUS: for (size_t i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] + log1pf(expf(-z[i])) : log1pf(expf(z[i])); break;
    case A_SOFTSIGN: for (size_t i = 0; i < n; i++) a[i] = z[i] / (1.0f + fabsf(z[i])); break;
    case A_SWISH: for (size_t i = 0; i < n; i++) a[i] = z[i] / (1.0f + expf(-z[i])); break;
    case A_SOFTMAX:
      for (int r = 0; r < rows; r++) {
        const float *zr = z + (size_t)r * cols;
        float *ar = a + (size_t)r * cols, m = zr[0], s = 0;
        for (int c = 1; c < cols; c++) m = zr[c] > m ? zr[c] : m;
        for (int c = 0; c < cols; c++) s += (ar[c] = expf(zr[c] - m));
        for (int c = 0; c < cols; c++) ar[c] /= s;
      }
      break;
  }
}

/* g <- g * act'(z) in place (softmax is handled with its loss, never here). */
static void activationGrad(int act, float alpha, const float *z, const float *a, float *g, size_t n) {
  switch (act) {
    case A_LINEAR: break;
    case A_RELU: for (size_t i = 0; i < n; i++) g[i] = z[i] > 0 ? g[i] : 0; break;
    case A_RELU6: for (size_t i = 0; i < n; i++) g[i] = (z[i] > 0 && z[i] <= 6) ? g[i] : 0; break;
    case A_LEAKY: for (size_t i = 0; i < n; i++) g[i] = z[i] > 0 ? g[i] : alpha * g[i]; break;
    case A_SIGMOID: for (size_t i = 0; i < n; i++) g[i] *= a[i] * (1 - a[i]); break;
    case A_TANH: for (size_t i = 0; i < n; i++) g[i] *= 1 - a[i] * a[i]; break;
    case A_ELU: for (size_t i = 0; i < n; i++) g[i] = z[i] > 0 ? g[i] : g[i] * (a[i] + 1); break;
    case A_SELU: {
      const float s = 1.0507009873554805f, al = 1.6732632423543772f;
      for (size_t i = 0; i < n; i++) g[i] = z[i] > 0 ? g[i] * s : g[i] * (a[i] + s * al);
      break;
    }
    case A_SOFTPLUS: for (size_t i = 0; i < n; i++) g[i] *= 1.0f / (1.0f + expf(-z[i])); break;
    case A_SOFTSIGN: for (size_t i = 0; i < n; i++) { float d = 1 + fabsf(z[i]); g[i] /= d * d; } break;
    case A_SWISH: for (size_t i = 0; i < n; i++) { float s = 1.0f / (1.0f + expf(-z[i])); g[i] *= s + z[i] * s * (1 - s); } break;
  }
}

/* ---------- random numbers for dropout (xorshift128+) ---------- */

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static float uniform(uint64_t s[2]) {
  uint64_t a = s[0], b = s[1];
  s[0] = b;
  a ^= a << 23;
  s[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
  return (float)((s[1] + b) >> 40) * (1.0f / 16777216.0f);
}

/* ---------- forward, loss, backward ---------- */

static const float *forward(Net *net, const float *x, int rows, int training) {
  const float *in = x;
  for (int i = 0; i < net->nops; i++) {
    Op *op = &net->ops[i];
    if (op->kind == OP_DENSE) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, op->out, op->in, 1.0f, in, op->in, op->w, op->out, 0.0f, op->z, op->out);
      if (op->b)
        for (int r = 0; r < rows; r++) {
          float *zr = op->z + (size_t)r * op->out;
          for (int c = 0; c < op->out; c++) zr[c] += op->b[c];
        }
      activate(op->act, op->alpha, op->z, op->a, rows, op->out);
    } else if (op->kind == OP_ACT) {
      memcpy(op->z, in, (size_t)rows * op->out * sizeof(float));
      activate(op->act, op->alpha, op->z, op->a, rows, op->out);
    } else if (training && op->rate > 0) {
      /* tfjs: x * floor(u + keep) / keep, u uniform in [0, 1). */
      const float keep = 1 - op->rate;
      for (size_t k = 0; k < (size_t)rows * op->out; k++) {
        op->mask[k] = uniform(net->rng) + keep >= 1.0f ? 1.0f / keep : 0.0f;
        op->a[k] = in[k] * op->mask[k];
      }
    } else {
      memcpy(op->a, in, (size_t)rows * op->out * sizeof(float));
    }
    in = op->a;
  }
  return in;
}

/* The final op's activation when the loss takes its gradient directly (softmax/sigmoid + CE). */
static int fusedOutput(const Net *net) {
  const Op *last = &net->ops[net->nops - 1];
  if (last->kind == OP_DROPOUT) return 0;
  if ((net->loss == L_CCE || net->loss == L_SCCE) && last->act == A_SOFTMAX) return 1;
  if (net->loss == L_BCE && last->act == A_SIGMOID) return 1;
  return 0;
}

/*
 * Per-batch loss and metrics into out[0..4]: weighted loss mean (no penalty), accuracy, mae, mse
 * (sums over rows; the caller divides). With grad, writes dL/d(output) (or dL/dz when fused) to
 * net->da, scaled by weight / rows as tfjs's mean(weight * loss).
 */
static void lossAndGrad(Net *net, const float *p, const float *y, const float *w, int rows, double out[4], int grad) {
  const int k = net->outUnits;
  const int fused = fusedOutput(net);
  double loss = 0, acc = 0, mae = 0, mse = 0;
  for (int r = 0; r < rows; r++) {
    const float *pr = p + (size_t)r * k;
    const float *yr = net->loss == L_SCCE ? NULL : y + (size_t)r * k;
    const float wr = w ? w[r] : 1.0f;
    float *dr = net->da + (size_t)r * k;
    double l = 0;
    if (net->loss == L_CCE || net->loss == L_SCCE) {
      const int label = net->loss == L_SCCE ? (int)floorf(y[r]) : -1;
      double s = 0;
      for (int c = 0; c < k; c++) s += pr[c];
      int am = 0, tm = 0;
      for (int c = 0; c < k; c++) {
        if (pr[c] > pr[am]) am = c;
        const float t = label >= 0 ? (c == label) : yr[c];
        if (!(label >= 0) && yr[c] > yr[tm]) tm = c;
        float q = (float)(pr[c] / s);
        q = q < EPS ? EPS : (q > 1 - EPS ? 1 - EPS : q);
        if (t != 0) l -= t * logf(q);
        if (grad) dr[c] = fused ? (pr[c] - t) : -t / q; /* softmax + CE: dL/dz = p - y (sum y = 1) */
      }
      acc += am == (label >= 0 ? label : tm);
    } else if (net->loss == L_BCE) {
      double a = 0;
      for (int c = 0; c < k; c++) {
        float q = pr[c] < EPS ? EPS : (pr[c] > 1 - EPS ? 1 - EPS : pr[c]);
        const float logit = logf(q / (1 - q)), t = yr[c];
        /* tfjs's sigmoidCrossEntropyWithLogits: max(x, 0) - x t + log(1 + exp(-|x|)) */
        l += (logit > 0 ? logit : 0) - logit * t + log1pf(expf(-fabsf(logit)));
        a += t == (pr[c] > 0.5f ? 1.0f : 0.0f);
        if (grad) dr[c] = fused ? (pr[c] - t) / k : (q - t) / (q * (1 - q)) / k;
      }
      l /= k;
      acc += a / k;
    } else {
      double a = 0;
      for (int c = 0; c < k; c++) {
        const float d = pr[c] - yr[c];
        l += net->loss == L_MSE ? d * d : fabsf(d);
        a += yr[c] == (pr[c] > 0.5f ? 1.0f : 0.0f);
        if (grad) dr[c] = (net->loss == L_MSE ? 2 * d : (d > 0) - (d < 0)) / k;
      }
      l /= k;
      acc += a / k;
    }
    for (int c = 0; c < k; c++) {
      const double d = pr[c] - (net->loss == L_SCCE ? (c == (int)floorf(y[r])) : yr[c]);
      mae += fabs(d) / k;
      mse += d * d / k;
    }
    loss += wr * l;
    if (grad)
      for (int c = 0; c < k; c++) dr[c] *= wr / rows;
  }
  out[0] = loss; out[1] = acc; out[2] = mae; out[3] = mse;
}

static double penalty(const float *v, size_t n, float l1, float l2) {
  double s = 0;
  if (!v || (l1 == 0 && l2 == 0)) return 0;
  for (size_t i = 0; i < n; i++) s += l1 * fabsf(v[i]) + l2 * v[i] * v[i];
  return s;
}

static void backward(Net *net, const float *x, int rows) {
  float *g = net->da; /* dL/d(output of op i) */
  const int fused = fusedOutput(net);
  for (int i = net->nops - 1; i >= 0; i--) {
    Op *op = &net->ops[i];
    const float *in = i == 0 ? x : net->ops[i - 1].a;
    const size_t n = (size_t)rows * op->out;
    if (op->kind == OP_DROPOUT) {
      if (op->rate > 0) for (size_t k = 0; k < n; k++) g[k] *= op->mask[k];
      continue; /* the gradient passes through to the op before, in the same buffer */
    }
    if (!(fused && i == net->nops - 1)) activationGrad(op->act, op->alpha, op->z, op->a, g, n);
    if (op->kind == OP_ACT) continue;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, op->in, op->out, rows, 1.0f, in, op->in, g, op->out, 0.0f, op->gw, op->out);
    if (op->b) {
      memset(op->gb, 0, op->out * sizeof(float));
      for (int r = 0; r < rows; r++)
        for (int c = 0; c < op->out; c++) op->gb[c] += g[(size_t)r * op->out + c];
    }
    if (i > 0) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, op->in, op->out, 1.0f, g, op->out, op->w, op->out, 0.0f, net->dz, op->in);
      float *t = g; g = net->dz; net->dz = t; /* swap: dz is scratch of the widest layer */
    }
  }
  if (g != net->da) { float *t = net->da; net->da = g; net->dz = t; }
}

/* ---------- optimizers (tfjs-core 4.22 src/optimizers) ---------- */

static void update(Net *net, float *v, float *g, float **slot, size_t n, float l1, float l2, float lr) {
  if (l1 != 0 || l2 != 0) /* d/dv of l1 |v| + l2 v^2; tfjs's Abs gradient is step(v, -1): -1 at 0 */
    for (size_t i = 0; i < n; i++) g[i] += l1 * (v[i] > 0 ? 1.0f : -1.0f) + 2 * l2 * v[i];
  switch (net->opt) {
    case O_SGD:
      for (size_t i = 0; i < n; i++) v[i] -= lr * g[i];
      break;
    case O_MOMENTUM:
      for (size_t i = 0; i < n; i++) {
        slot[0][i] = net->momentum * slot[0][i] + g[i];
        v[i] -= lr * (net->nesterov ? g[i] + slot[0][i] * net->momentum : slot[0][i]);
      }
      break;
    case O_ADAM: {
      const float c1 = (float)(1 - net->accBeta1), c2 = (float)(1 - net->accBeta2);
      for (size_t i = 0; i < n; i++) {
        slot[0][i] = slot[0][i] * net->beta1 + g[i] * (1 - net->beta1);
        slot[1][i] = slot[1][i] * net->beta2 + g[i] * g[i] * (1 - net->beta2);
        v[i] += -lr * ((slot[0][i] / c1) / (sqrtf(slot[1][i] / c2) + net->eps));
      }
      break;
    }
    case O_RMSPROP:
      for (size_t i = 0; i < n; i++) {
        slot[0][i] = slot[0][i] * net->rho + g[i] * g[i] * (1 - net->rho);
        float denom;
        if (net->centered) {
          slot[2][i] = slot[2][i] * net->rho + g[i] * (1 - net->rho);
          denom = sqrtf(slot[0][i] - (slot[2][i] * slot[2][i] + net->eps));
        } else {
          denom = sqrtf(slot[0][i] + net->eps);
        }
        slot[1][i] = slot[1][i] * net->momentum + g[i] * lr / denom;
        v[i] -= slot[1][i];
      }
      break;
    case O_ADAGRAD:
      for (size_t i = 0; i < n; i++) {
        slot[0][i] += g[i] * g[i];
        v[i] += -lr * (g[i] / sqrtf(slot[0][i] + net->eps));
      }
      break;
  }
}

static void step(Net *net, float lr) {
  for (int i = 0; i < net->nops; i++) {
    Op *op = &net->ops[i];
    if (op->kind != OP_DENSE) continue;
    update(net, op->w, op->gw, op->slot[0], (size_t)op->in * op->out, op->kl1, op->kl2, lr);
    if (op->b) update(net, op->b, op->gb, op->slot[1], op->out, op->bl1, op->bl2, lr);
  }
  if (net->opt == O_ADAM) { net->accBeta1 *= net->beta1; net->accBeta2 *= net->beta2; }
  net->iterations++;
}

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
    free(op->gw); free(op->gb); free(op->z); free(op->a); free(op->mask);
  }
  free(net->xb); free(net->yb); free(net->wb); free(net->da); free(net->dz);
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

/*
 * create({ input, outUnits, loss, maxBatch, seed, optimizer: { type, beta1, beta2, epsilon,
 *   momentum, nesterov, rho, centered, iterations }, ops: [{ kind, units, activation, alpha, rate,
 *   kernel, bias, l1, l2, biasL1, biasL2, slots: [[kernelSlot, biasSlot], ...] }] }) -> handle
 */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value spec;
  CHECK(napi_get_cb_info(env, info, &argc, &spec, NULL, NULL));
  Net *net = calloc(1, sizeof(Net));
  if (!net) { napi_throw_error(env, NULL, "create: out of memory"); return NULL; }
  net->in = (int)num(env, spec, "input", 0);
  net->outUnits = (int)num(env, spec, "outUnits", 0);
  net->loss = (int)num(env, spec, "loss", 0);
  net->maxBatch = (int)num(env, spec, "maxBatch", 0);
  uint64_t seed = (uint64_t)num(env, spec, "seed", 0);
  net->rng[0] = splitmix(&seed); net->rng[1] = splitmix(&seed);
  napi_value o = prop(env, spec, "optimizer");
  net->opt = (int)num(env, o, "type", 0);
  net->beta1 = (float)num(env, o, "beta1", 0.9); net->beta2 = (float)num(env, o, "beta2", 0.999);
  net->eps = (float)num(env, o, "epsilon", 1e-7); net->momentum = (float)num(env, o, "momentum", 0);
  net->rho = (float)num(env, o, "rho", 0.9); net->nesterov = num(env, o, "nesterov", 0) != 0;
  net->centered = num(env, o, "centered", 0) != 0; net->iterations = (int)num(env, o, "iterations", 0);
  net->accBeta1 = pow(net->beta1, net->iterations + 1); net->accBeta2 = pow(net->beta2, net->iterations + 1);

  napi_value ops = prop(env, spec, "ops");
  uint32_t nops;
  CHECK(napi_get_array_length(env, ops, &nops));
  if (nops == 0 || nops > MAX_OPS) return refuse(env, net, "ops: 1 to 64");
  if (net->in < 1 || net->outUnits < 1 || net->maxBatch < 1) return refuse(env, net, "input, outUnits and maxBatch must be positive");
  if (net->loss < L_CCE || net->loss > L_MAE) return refuse(env, net, "loss: unknown code");
  if (net->opt < O_SGD || net->opt > O_ADAGRAD) return refuse(env, net, "optimizer: unknown code");
  if (net->iterations < 0) return refuse(env, net, "optimizer.iterations must not be negative");
  /* Slots each optimizer reads (update()): every one must be there, as long as its weight. */
  const int nslots = net->opt == O_SGD ? 0 : net->opt == O_MOMENTUM || net->opt == O_ADAGRAD ? 1 : net->opt == O_RMSPROP && net->centered ? 3 : 2;
  int width = net->in, widest = net->in;
  const size_t B = (size_t)net->maxBatch;
  for (uint32_t i = 0; i < nops; i++) {
    napi_value s;
    napi_get_element(env, ops, i, &s);
    Op *op = &net->ops[i];
    op->kind = (int)num(env, s, "kind", 0);
    op->act = (int)num(env, s, "activation", A_LINEAR);
    op->alpha = (float)num(env, s, "alpha", 0.3);
    op->rate = (float)num(env, s, "rate", 0);
    op->in = width;
    op->out = op->kind == OP_DENSE ? (int)num(env, s, "units", 0) : width;
    net->nops = (int)i + 1; /* what release() frees if this op fails */
    if (op->out < 1) return refuse(env, net, "units must be positive");
    if (op->kind < OP_DENSE || op->kind > OP_ACT) return refuse(env, net, "ops[].kind: unknown code");
    if (op->act < A_LINEAR || op->act > A_LEAKY) return refuse(env, net, "ops[].activation: unknown code");
    if (op->kind == OP_DENSE) {
      size_t len = 0, blen = 0;
      op->w = f32(env, prop(env, s, "kernel"), &len);
      if (!op->w || len != (size_t)op->in * op->out) return refuse(env, net, "kernel: a Float32Array of input x units");
      napi_value bias = prop(env, s, "bias");
      napi_valuetype bt;
      napi_typeof(env, bias, &bt);
      op->b = bt == napi_undefined || bt == napi_null ? NULL : f32(env, bias, &blen);
      if (bt != napi_undefined && bt != napi_null && (!op->b || blen != (size_t)op->out)) return refuse(env, net, "bias: a Float32Array of units");
      op->kl1 = (float)num(env, s, "l1", 0); op->kl2 = (float)num(env, s, "l2", 0);
      op->bl1 = (float)num(env, s, "biasL1", 0); op->bl2 = (float)num(env, s, "biasL2", 0);
      op->gw = malloc((size_t)op->in * op->out * sizeof(float));
      op->gb = malloc(op->out * sizeof(float));
      napi_value slots = prop(env, s, "slots");
      uint32_t ns = 0;
      napi_get_array_length(env, slots, &ns);
      if (ns < (uint32_t)nslots) return refuse(env, net, "slots: one pair per optimizer slot");
      for (uint32_t k = 0; k < (uint32_t)nslots; k++) {
        napi_value pair;
        napi_get_element(env, slots, k, &pair);
        for (uint32_t j = 0; j < 2; j++) {
          napi_value a;
          size_t slen = 0;
          napi_get_element(env, pair, j, &a);
          op->slot[j][k] = f32(env, a, &slen);
          if (j == 0 && (!op->slot[0][k] || slen != (size_t)op->in * op->out)) return refuse(env, net, "slots: a kernel slot as long as the kernel");
          if (j == 1 && op->b && (!op->slot[1][k] || slen != (size_t)op->out)) return refuse(env, net, "slots: a bias slot as long as the bias");
        }
      }
    }
    op->z = malloc(B * op->out * sizeof(float));
    op->a = malloc(B * op->out * sizeof(float));
    if (op->kind == OP_DROPOUT) op->mask = malloc(B * op->out * sizeof(float));
    width = op->out;
    if (width > widest) widest = width;
  }
  if (width != net->outUnits) return refuse(env, net, "output width");
  net->xb = malloc(B * net->in * sizeof(float));
  net->yb = malloc(B * net->outUnits * sizeof(float));
  net->wb = malloc(B * sizeof(float));
  net->da = malloc(B * widest * sizeof(float));
  net->dz = malloc(B * widest * sizeof(float));
  /* A batch too large for memory is an error the caller can report, not a crash later. */
  int ok = net->xb && net->yb && net->wb && net->da && net->dz;
  for (int i = 0; i < net->nops; i++) {
    const Op *op = &net->ops[i];
    ok = ok && op->z && op->a && (op->kind != OP_DROPOUT || op->mask) && (op->kind != OP_DENSE || (op->gw && op->gb));
  }
  if (!ok) return refuse(env, net, "out of memory for this batch size and network");
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

/*
 * trainBatch(handle, x, y, weights|null, order, start, size, lr, out): gathers rows
 * order[start..start+size) and takes one optimizer step; out (Float64Array) gets the batch's
 * [loss with penalties, accuracy, mae, mse] as means over the batch.
 */
static napi_value trainBatch(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value a[9];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  Net *net = argc >= 9 ? unwrap(env, a[0]) : NULL;
  if (!net) { napi_throw_type_error(env, NULL, "trainBatch: not a network"); return NULL; }
  size_t nx = 0, ny = 0, nw = 0, no = 0, nout = 0;
  const float *x = f32(env, a[1], &nx), *y = f32(env, a[2], &ny), *w = f32(env, a[3], &nw);
  const int32_t *order = i32(env, a[4], &no);
  int32_t start = -1, size = 0;
  double lr = NAN;
  double *out = f64(env, a[8], &nout);
  napi_valuetype wt;
  napi_typeof(env, a[3], &wt);
  const int yw = net->loss == L_SCCE ? 1 : net->outUnits;
  if (!x || !y || !order || !out || nout < 4 || (!w && wt != napi_null && wt != napi_undefined)
      || napi_get_value_int32(env, a[5], &start) != napi_ok || napi_get_value_int32(env, a[6], &size) != napi_ok || napi_get_value_double(env, a[7], &lr) != napi_ok
      || !isfinite(lr) || size < 1 || size > net->maxBatch || start < 0 || (size_t)start + size > no) {
    napi_throw_range_error(env, NULL, "trainBatch: bad arguments");
    return NULL;
  }
  for (int r = 0; r < size; r++) {
    if (order[start + r] < 0) { napi_throw_range_error(env, NULL, "trainBatch: row out of range"); return NULL; }
    const size_t row = (size_t)order[start + r];
    if ((row + 1) * net->in > nx || (row + 1) * yw > ny || (w && row >= nw)) { napi_throw_range_error(env, NULL, "trainBatch: row out of range"); return NULL; }
    memcpy(net->xb + (size_t)r * net->in, x + row * net->in, net->in * sizeof(float));
    memcpy(net->yb + (size_t)r * yw, y + row * yw, yw * sizeof(float));
    if (w) net->wb[r] = w[row];
  }
  const float *p = forward(net, net->xb, size, 1);
  double m[4];
  lossAndGrad(net, p, net->yb, w ? net->wb : NULL, size, m, 1);
  double pen = 0;
  for (int i = 0; i < net->nops; i++) {
    Op *op = &net->ops[i];
    if (op->kind != OP_DENSE) continue;
    pen += penalty(op->w, (size_t)op->in * op->out, op->kl1, op->kl2) + penalty(op->b, op->out, op->bl1, op->bl2);
  }
  backward(net, net->xb, size);
  step(net, (float)lr);
  out[0] = m[0] / size + pen; out[1] = m[1] / size; out[2] = m[2] / size; out[3] = m[3] / size;
  return NULL;
}

/* evaluate(handle, x, y, n, out): means over all n rows of [loss (unweighted, no penalty), acc, mae, mse]. */
static napi_value evaluate(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  Net *net = argc >= 5 ? unwrap(env, a[0]) : NULL;
  size_t nx = 0, ny = 0, nout = 0;
  const float *x = f32(env, a[1], &nx), *y = f32(env, a[2], &ny);
  int32_t n = -1;
  if (argc >= 5 && napi_get_value_int32(env, a[3], &n) != napi_ok) n = -1;
  double *out = f64(env, a[4], &nout);
  const int yw = net && net->loss == L_SCCE ? 1 : (net ? net->outUnits : 0);
  if (!net || !x || !y || !out || nout < 4 || n < 0 || (size_t)n * net->in > nx || (size_t)n * yw > ny) { napi_throw_range_error(env, NULL, "evaluate: bad arguments"); return NULL; }
  double sum[4] = {0, 0, 0, 0};
  for (int s = 0; s < n; s += net->maxBatch) {
    const int rows = n - s < net->maxBatch ? n - s : net->maxBatch;
    const float *p = forward(net, x + (size_t)s * net->in, rows, 0);
    double m[4];
    lossAndGrad(net, p, y + (size_t)s * yw, NULL, rows, m, 0);
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
  net->rng[0] = splitmix(&seed); net->rng[1] = splitmix(&seed);
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
