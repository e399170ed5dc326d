/*
 * The fast path's training step over a DAG of ops (net.h): forward, loss, backward and the
 * optimizers, with the matrix products in BLAS (sgemm) and everything else in fused loops.
 *
 * Semantics follow tfjs-layers 4.22 and tfjs-core's optimizers exactly, so the two paths agree
 * from the same weights: losses, metrics and penalties as in tfjs-layers' losses.ts, metrics.ts and
 * regularizers.ts; BatchNormalization and LayerNormalization as normalization.ts (batch moments,
 * biased variance, moving averages `v - (v - x) * (1 - momentum)`, epsilon inside the square root);
 * Embedding as a gather of the truncated indices with a dense gradient (tfjs updates every row of
 * the table); Add/Multiply/Average/Concatenate as merge.ts; Adam/SGD/momentum/RMSprop/Adagrad as
 * tfjs-core/src/optimizers. The normalizations' gradients are the closed form of what autodiff of
 * those ops gives: dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
 */
#include "net.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

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

/* ---------- random numbers for dropout and noise (xorshift128+) ---------- */

uint64_t netSplitmix(uint64_t *x) {
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

/* A standard normal draw (Box-Muller; tfjs draws its own, so noise matches it in law, not value). */
static float normal(uint64_t s[2]) {
  float u = uniform(s), v = uniform(s);
  if (u < 1e-7f) u = 1e-7f;
  return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

/* ---------- forward ---------- */

static const float *valueOf(const Net *net, const float *const *x, int id) { return id >= 0 ? net->ops[id].a : x[-1 - id]; }
static int widthOf(const Net *net, int id) { return id >= 0 ? net->ops[id].width : net->inw[-1 - id]; }

static void normForward(Op *op, const float *in, int rows, int training, int batch) {
  const int w = op->width;
  const float *gamma = op->p[0].v, *beta = op->p[1].v;
  if (batch && !training) { /* inference: the moving statistics */
    for (int c = 0; c < w; c++) op->rstd[c] = 1.0f / sqrtf(op->mv[c] + op->eps);
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < w; c++) {
        const size_t k = (size_t)r * w + c;
        op->a[k] = (in[k] - op->mm[c]) * op->rstd[c] * gamma[c] + beta[c];
      }
    return;
  }
  if (batch) { /* moments over the batch, per column */
    double *mean = op->acc, *var = op->acc + w;
    memset(op->acc, 0, 2 * (size_t)w * sizeof(double));
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < w; c++) mean[c] += in[(size_t)r * w + c];
    for (int c = 0; c < w; c++) mean[c] /= rows;
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < w; c++) { const double d = in[(size_t)r * w + c] - mean[c]; var[c] += d * d; }
    const float decay = 1.0f - op->momentum;
    for (int c = 0; c < w; c++) {
      var[c] /= rows;
      op->rstd[c] = 1.0f / sqrtf((float)var[c] + op->eps);
      op->mm[c] -= (op->mm[c] - (float)mean[c]) * decay;
      op->mv[c] -= (op->mv[c] - (float)var[c]) * decay;
    }
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < w; c++) {
        const size_t k = (size_t)r * w + c;
        op->xhat[k] = (float)(in[k] - mean[c]) * op->rstd[c];
        op->a[k] = op->xhat[k] * gamma[c] + beta[c];
      }
    return;
  }
  for (int r = 0; r < rows; r++) { /* layer: moments over each row */
    const float *x = in + (size_t)r * w;
    double mean = 0, var = 0;
    for (int c = 0; c < w; c++) mean += x[c];
    mean /= w;
    for (int c = 0; c < w; c++) var += (x[c] - mean) * (x[c] - mean);
    op->rstd[r] = 1.0f / sqrtf((float)(var / w) + op->eps);
    for (int c = 0; c < w; c++) {
      const size_t k = (size_t)r * w + c;
      op->xhat[k] = (float)(x[c] - mean) * op->rstd[r];
      op->a[k] = op->xhat[k] * gamma[c] + beta[c];
    }
  }
}

const float *netForward(Net *net, const float *const *x, int rows, int training) {
  net->bad = 0;
  for (int i = 0; i < net->nops; i++) {
    Op *op = &net->ops[i];
    const float *in = valueOf(net, x, op->in[0]);
    const int inw = widthOf(net, op->in[0]);
    const size_t n = (size_t)rows * op->width;
    switch (op->kind) {
      case OP_DENSE:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, op->width, inw, 1.0f, in, inw, op->p[0].v, op->width, 0.0f, op->z, op->width);
        if (op->np > 1)
          for (int r = 0; r < rows; r++)
            for (int c = 0; c < op->width; c++) op->z[(size_t)r * op->width + c] += op->p[1].v[c];
        activate(op->act, op->alpha, op->z, op->a, rows, op->width);
        break;
      case OP_ACT:
        memcpy(op->z, in, n * sizeof(float));
        activate(op->act, op->alpha, op->z, op->a, rows, op->width);
        break;
      case OP_DROPOUT:
        if (training && op->rate > 0) {
          /* tfjs: x * floor(u + keep) / keep, u uniform in [0, 1). */
          const float keep = 1 - op->rate;
          for (size_t k = 0; k < n; k++) {
            op->mask[k] = uniform(net->rng) + keep >= 1.0f ? 1.0f / keep : 0.0f;
            op->a[k] = in[k] * op->mask[k];
          }
        } else memcpy(op->a, in, n * sizeof(float));
        break;
      case OP_NOISE:
        if (training && op->stddev > 0)
          for (size_t k = 0; k < n; k++) op->a[k] = in[k] + op->stddev * normal(net->rng);
        else memcpy(op->a, in, n * sizeof(float));
        break;
      case OP_BATCHNORM: normForward(op, in, rows, training, 1); break;
      case OP_LAYERNORM: normForward(op, in, rows, training, 0); break;
      case OP_EMBEDDING:
        for (size_t k = 0; k < (size_t)rows * inw; k++) {
          const float v = in[k];
          int32_t j = (int32_t)v; /* tfjs casts to int32: truncation */
          if (!(v > -1.0f && v < (float)op->vocab)) { if (!net->bad) net->badIndex = v; net->bad = 1; j = 0; }
          op->idx[k] = j;
          memcpy(op->a + k * op->dim, op->p[0].v + (size_t)j * op->dim, op->dim * sizeof(float));
        }
        break;
      case OP_CONCAT: {
        int at = 0;
        for (int j = 0; j < op->nin; j++) {
          const float *v = valueOf(net, x, op->in[j]);
          const int w = widthOf(net, op->in[j]);
          for (int r = 0; r < rows; r++) memcpy(op->a + (size_t)r * op->width + at, v + (size_t)r * w, w * sizeof(float));
          at += w;
        }
        break;
      }
      case OP_ADD: case OP_AVERAGE: case OP_MULTIPLY:
        memcpy(op->a, in, n * sizeof(float));
        for (int j = 1; j < op->nin; j++) {
          const float *v = valueOf(net, x, op->in[j]);
          if (op->kind == OP_MULTIPLY) for (size_t k = 0; k < n; k++) op->a[k] *= v[k];
          else for (size_t k = 0; k < n; k++) op->a[k] += v[k];
        }
        if (op->kind == OP_AVERAGE) for (size_t k = 0; k < n; k++) op->a[k] *= 1.0f / op->nin;
        break;
      default: /* OP_IDENTITY: Flatten, Reshape, an InputLayer-like pass */
        memcpy(op->a, in, n * sizeof(float));
    }
  }
  return net->ops[net->nops - 1].a;
}

/* ---------- loss ---------- */

/* The final op's activation when the loss takes its gradient directly (softmax/sigmoid + CE). */
static int fusedOutput(const Net *net) {
  const Op *last = &net->ops[net->nops - 1];
  if (last->kind != OP_DENSE && last->kind != OP_ACT) return 0;
  if ((net->loss == L_CCE || net->loss == L_SCCE) && last->act == A_SOFTMAX) return 1;
  if (net->loss == L_BCE && last->act == A_SIGMOID) return 1;
  return 0;
}

/*
 * Per-batch loss and metrics into out[0..4]: weighted loss sum (no penalty), accuracy, mae, mse
 * (sums over rows; the caller divides). With grad, writes dL/d(output) (or dL/dz when fused) to
 * the output op's gradient, scaled by weight / rows as tfjs's mean(weight * loss).
 */
void netLoss(Net *net, const float *p, const float *y, const float *w, int rows, double out[4], int grad) {
  const int k = net->outUnits;
  const int fused = fusedOutput(net);
  float *da = net->ops[net->nops - 1].g;
  double loss = 0, acc = 0, mae = 0, mse = 0;
  for (int r = 0; r < rows; r++) {
    const float *pr = p + (size_t)r * k;
    const float *yr = net->loss == L_SCCE ? NULL : y + (size_t)r * k;
    const float wr = w ? w[r] : 1.0f;
    float *dr = da + (size_t)r * k;
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

static double penalty(const Param *p) {
  double s = 0;
  if (p->l1 == 0 && p->l2 == 0) return 0;
  for (size_t i = 0; i < p->n; i++) s += p->l1 * fabsf(p->v[i]) + p->l2 * p->v[i] * p->v[i];
  return s;
}

double netPenalties(const Net *net) {
  double s = 0;
  for (int i = 0; i < net->nops; i++)
    for (int j = 0; j < net->ops[i].np; j++) s += penalty(&net->ops[i].p[j]);
  return s;
}

/* ---------- backward ---------- */

/* dst += src * scale over n values (dst NULL: a model input, which takes no gradient). */
static void accumulate(float *dst, const float *src, size_t n, float scale) {
  if (!dst) return;
  if (scale == 1.0f) for (size_t k = 0; k < n; k++) dst[k] += src[k];
  else for (size_t k = 0; k < n; k++) dst[k] += src[k] * scale;
}

static void normBackward(Op *op, float *gin, int rows, int batch) {
  const int w = op->width;
  const float *gamma = op->p[0].v, *g = op->g;
  float *gg = op->p[0].g, *gb = op->p[1].g;
  memset(gg, 0, w * sizeof(float));
  memset(gb, 0, w * sizeof(float));
  if (batch) {
    double *sg = op->acc, *sgx = op->acc + w;
    memset(op->acc, 0, 2 * (size_t)w * sizeof(double));
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < w; c++) { const size_t k = (size_t)r * w + c; sg[c] += g[k]; sgx[c] += (double)g[k] * op->xhat[k]; }
    for (int c = 0; c < w; c++) { gg[c] = (float)sgx[c]; gb[c] = (float)sg[c]; }
    if (gin)
      for (int r = 0; r < rows; r++)
        for (int c = 0; c < w; c++) {
          const size_t k = (size_t)r * w + c;
          gin[k] += gamma[c] * op->rstd[c] * (float)(g[k] - sg[c] / rows - op->xhat[k] * sgx[c] / rows);
        }
    return;
  }
  for (int r = 0; r < rows; r++) {
    const float *gr = g + (size_t)r * w, *xr = op->xhat + (size_t)r * w;
    double m1 = 0, m2 = 0;
    for (int c = 0; c < w; c++) {
      const double d = (double)gr[c] * gamma[c];
      m1 += d; m2 += d * xr[c];
      gg[c] += gr[c] * xr[c];
      gb[c] += gr[c];
    }
    m1 /= w; m2 /= w;
    if (gin)
      for (int c = 0; c < w; c++) gin[(size_t)r * w + c] += op->rstd[r] * (float)((double)gr[c] * gamma[c] - m1 - xr[c] * m2);
  }
}

void netBackward(Net *net, int rows) {
  const int fused = fusedOutput(net);
  for (int i = 0; i < net->nops - 1; i++) memset(net->ops[i].g, 0, (size_t)rows * net->ops[i].width * sizeof(float));
  for (int i = net->nops - 1; i >= 0; i--) {
    Op *op = &net->ops[i];
    float *g = op->g;
    const int id = op->in[0], inw = widthOf(net, id);
    const float *in = valueOf(net, (const float *const *)net->xb, id);
    float *gin = id >= 0 ? net->ops[id].g : NULL;
    const size_t n = (size_t)rows * op->width;
    switch (op->kind) {
      case OP_DENSE:
        if (!(fused && i == net->nops - 1)) activationGrad(op->act, op->alpha, op->z, op->a, g, n);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, inw, op->width, rows, 1.0f, in, inw, g, op->width, 0.0f, op->p[0].g, op->width);
        if (op->np > 1) {
          memset(op->p[1].g, 0, op->width * sizeof(float));
          for (int r = 0; r < rows; r++)
            for (int c = 0; c < op->width; c++) op->p[1].g[c] += g[(size_t)r * op->width + c];
        }
        if (gin) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, inw, op->width, 1.0f, g, op->width, op->p[0].v, op->width, 1.0f, gin, inw);
        break;
      case OP_ACT:
        if (!(fused && i == net->nops - 1)) activationGrad(op->act, op->alpha, op->z, op->a, g, n);
        accumulate(gin, g, n, 1.0f);
        break;
      case OP_DROPOUT:
        if (gin) {
          if (op->rate > 0) for (size_t k = 0; k < n; k++) gin[k] += g[k] * op->mask[k];
          else accumulate(gin, g, n, 1.0f);
        }
        break;
      case OP_BATCHNORM: normBackward(op, gin, rows, 1); break;
      case OP_LAYERNORM: normBackward(op, gin, rows, 0); break;
      case OP_EMBEDDING: {
        float *gt = op->p[0].g;
        memset(gt, 0, op->p[0].n * sizeof(float));
        for (size_t k = 0; k < (size_t)rows * inw; k++) {
          float *dst = gt + (size_t)op->idx[k] * op->dim;
          const float *src = g + k * op->dim;
          for (int d = 0; d < op->dim; d++) dst[d] += src[d];
        }
        break; /* its input is indices: no gradient flows further */
      }
      case OP_CONCAT: {
        int at = 0;
        for (int j = 0; j < op->nin; j++) {
          const int w = widthOf(net, op->in[j]);
          float *gj = op->in[j] >= 0 ? net->ops[op->in[j]].g : NULL;
          if (gj)
            for (int r = 0; r < rows; r++) accumulate(gj + (size_t)r * w, g + (size_t)r * op->width + at, w, 1.0f);
          at += w;
        }
        break;
      }
      case OP_ADD: case OP_AVERAGE:
        for (int j = 0; j < op->nin; j++)
          accumulate(op->in[j] >= 0 ? net->ops[op->in[j]].g : NULL, g, n, op->kind == OP_AVERAGE ? 1.0f / op->nin : 1.0f);
        break;
      case OP_MULTIPLY: {
        const float *v[MAX_IN];
        for (int m = 0; m < op->nin; m++) v[m] = valueOf(net, (const float *const *)net->xb, op->in[m]);
        for (int j = 0; j < op->nin; j++) {
          float *gj = op->in[j] >= 0 ? net->ops[op->in[j]].g : NULL;
          if (!gj) continue;
          for (size_t k = 0; k < n; k++) {
            float prod = g[k];
            for (int m = 0; m < op->nin; m++)
              if (m != j) prod *= v[m][k];
            gj[k] += prod;
          }
        }
        break;
      }
      default: /* noise, identity: the gradient passes through */
        accumulate(gin, g, n, 1.0f);
    }
  }
}

/* ---------- optimizers (tfjs-core 4.22 src/optimizers) ---------- */

static void update(Net *net, Param *p, float lr) {
  float *v = p->v, *g = p->g, **slot = p->slot;
  const size_t n = p->n;
  if (p->l1 != 0 || p->l2 != 0) /* d/dv of l1 |v| + l2 v^2; tfjs's Abs gradient is netStep(v, -1): -1 at 0 */
    for (size_t i = 0; i < n; i++) g[i] += p->l1 * (v[i] > 0 ? 1.0f : -1.0f) + 2 * p->l2 * v[i];
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

void netStep(Net *net, float lr) {
  for (int i = 0; i < net->nops; i++)
    for (int j = 0; j < net->ops[i].np; j++) update(net, &net->ops[i].p[j], lr);
  if (net->opt == O_ADAM) { net->accBeta1 *= net->beta1; net->accBeta2 *= net->beta2; }
  net->iterations++;
}
