/* The fast path's network: a DAG of ops over 2D row-major buffers [rows x width] (net.c, mlp.c). */
#ifndef TREINO_NET_H
#define TREINO_NET_H
#include "napi_arrays.h"
#include <stdint.h>
#include <stddef.h>

#define EPS 1e-7f /* tfjs-layers' epsilon(), used by the losses' clipping */
#define MAX_OPS 128
#define MAX_IN 16     /* inputs of one op (a merge) */
#define MAX_INPUTS 16 /* inputs of the model */

/* A trainable variable: its values (JS-owned), gradient, optimizer slots (JS-owned) and penalties. */
typedef struct {
  float *v, *g, *slot[3];
  size_t n;
  float l1, l2;
} Param;

/*
 * One op. Inputs are node ids: >= 0 an earlier op, < 0 the model's input -1 - id. Every value is
 * a flat row of `width` floats per batch row: an Embedding's [len, dim] output is len * dim wide,
 * and Flatten/Reshape are identities on that layout.
 */
typedef struct {
  int kind, width, nin, in[MAX_IN];
  int act;
  float alpha, rate, stddev, eps, momentum;
  int vocab, dim;       /* embedding: rows of the table, columns per index */
  int np;
  Param p[2];           /* dense: kernel [in x width], bias; norms: gamma, beta; embedding: table */
  float *mm, *mv;       /* batch norm's moving mean and variance (JS-owned) */
  float *z, *a, *g;     /* pre-activation (dense, activation), output, dL/d(output) */
  float *mask;          /* dropout: the scale each value got */
  float *xhat, *rstd;   /* norms: normalized values; 1 / sqrt(var + eps) per column (batch) or row (layer) */
  int32_t *idx;         /* embedding: the table row of each (row, position) */
  double *acc;          /* batch norm: per-column sums [2 x width], allocated once */
} Op;

typedef struct {
  int nops, ninputs, inw[MAX_INPUTS], outUnits, loss, opt, maxBatch, iterations;
  Op ops[MAX_OPS];
  float beta1, beta2, eps, momentum, rho;
  int nesterov, centered;
  double accBeta1, accBeta2; /* Adam's running beta powers, as tfjs keeps them */
  float *xb[MAX_INPUTS], *yb, *wb, *scratch;
  uint64_t rng[2];
  int bad;          /* whether the last forward pass met an embedding index outside its table */
  double badIndex;  /* the first such index */
  napi_ref keep; /* the JS object holding every JS-owned array above */
} Net;

const float *netForward(Net *net, const float *const *x, int rows, int training);
/* out[0..4]: sums over rows of loss, accuracy, mae, mse; with grad, fills the output op's gradient. */
void netLoss(Net *net, const float *p, const float *y, const float *w, int rows, double out[4], int grad);
void netBackward(Net *net, int rows);
double netPenalties(const Net *net);
void netStep(Net *net, float lr);
uint64_t netSplitmix(uint64_t *x);
#endif
