/*
 * Dense linear algebra for the ELM (src/training/elm): the normal equations' products in BLAS
 * and the ridge system's Cholesky solve in LAPACK (OpenBLAS ships both).
 */
#include "napi_arrays.h"
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK's Cholesky solve (Fortran calling convention; column-major, so a symmetric A is as is). */
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb, int *info);


static int ints(napi_env env, napi_value *args, int count, int *out) {
  for (int i = 0; i < count; i++) {
    if (napi_get_value_int32(env, args[i], &out[i]) != napi_ok || out[i] < 0) return 0;
  }
  return 1;
}

/*
 * gramAccumulate(h, rows, units, t, k, a, b): a += H^T H (units x units, float64, lower triangle)
 * and b += H^T T (units x k), with H (rows x units) and T (rows x k) float32 row-major. The
 * products are float32 (ssyrk: half of H^T H's multiply-adds), summed into float64 per block.
 */
napi_value gramAccumulate(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value a[7];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  int d[2], k;
  size_t nh = 0, nt = 0, na = 0, nb = 0;
  float *h = f32(env, a[0], &nh), *t = f32(env, a[3], &nt);
  double *A = f64(env, a[5], &na), *B = f64(env, a[6], &nb);
  napi_value dims[2] = {a[1], a[2]};
  if (argc < 7 || !ints(env, dims, 2, d) || napi_get_value_int32(env, a[4], &k) != napi_ok || k < 0 || !h || !t || !A || !B) {
    napi_throw_type_error(env, NULL, "gramAccumulate(h, rows, units, t, k, a, b)");
    return NULL;
  }
  const int rows = d[0], units = d[1];
  if (nh < (size_t)rows * units || nt < (size_t)rows * k || na < (size_t)units * units || nb < (size_t)units * k) {
    napi_throw_range_error(env, NULL, "gramAccumulate: array too short");
    return NULL;
  }
  float *g = calloc((size_t)units * units, sizeof(float)), *r = calloc((size_t)units * (k ? k : 1), sizeof(float));
  if (!g || !r) { free(g); free(r); napi_throw_error(env, NULL, "gramAccumulate: out of memory"); return NULL; }
  cblas_ssyrk(CblasRowMajor, CblasLower, CblasTrans, units, rows, 1.0f, h, units, 0.0f, g, units);
  if (k) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, units, k, rows, 1.0f, h, units, t, k, 0.0f, r, k);
  /* The lower triangle only, row by row (contiguous); the caller mirrors it once at the end. */
  for (int i = 0; i < units; i++)
    for (int j = 0; j <= i; j++) A[(size_t)i * units + j] += g[(size_t)i * units + j];
  for (size_t i = 0; i < (size_t)units * k; i++) B[i] += r[i];
  free(g);
  free(r);
  return NULL;
}

/*
 * solveSpd(a, n, b, k) -> boolean: solves A X = B for symmetric positive definite A (n x n,
 * overwritten by its Cholesky factor) and B (n x k, row-major; overwritten by X). False when A
 * is not numerically positive definite.
 */
napi_value solveSpd(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value a[4], result;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  int n, k;
  size_t na = 0, nb = 0;
  double *A = f64(env, a[0], &na), *B = f64(env, a[2], &nb);
  if (argc < 4 || napi_get_value_int32(env, a[1], &n) != napi_ok || napi_get_value_int32(env, a[3], &k) != napi_ok || n < 1 || k < 1 || !A || !B || na < (size_t)n * n || nb < (size_t)n * k) {
    napi_throw_type_error(env, NULL, "solveSpd(a, n, b, k)");
    return NULL;
  }
  /* LAPACK wants B column-major: transpose in, solve, transpose out. */
  double *bc = malloc((size_t)n * k * sizeof(double));
  if (!bc) { napi_throw_error(env, NULL, "solveSpd: out of memory"); return NULL; }
  for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) bc[(size_t)c * n + i] = B[(size_t)i * k + c];
  int status = 0;
  dposv_("L", &n, &k, A, &n, bc, &n, &status);
  int ok = status == 0;
  for (size_t i = 0; ok && i < (size_t)n * k; i++) ok = isfinite(bc[i]);
  if (ok) for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) B[(size_t)i * k + c] = bc[(size_t)c * n + i];
  free(bc);
  napi_get_boolean(env, ok, &result);
  return result;
}

/*
 * matmulLeading(h, rows, units, m, w, k, out): out (rows x k) = H[:, :m] W in float32, W (m x k):
 * predictions of the first m nodes, as the exported float32 model computes them.
 */
napi_value matmulLeading(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value a[7];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  int d[3], k;
  size_t nh = 0, nw = 0, no = 0;
  float *h = f32(env, a[0], &nh), *w = f32(env, a[4], &nw), *out = f32(env, a[6], &no);
  napi_value dims[3] = {a[1], a[2], a[3]};
  if (argc < 7 || !ints(env, dims, 3, d) || napi_get_value_int32(env, a[5], &k) != napi_ok || k < 1 || !h || !w || !out) {
    napi_throw_type_error(env, NULL, "matmulLeading(h, rows, units, m, w, k, out)");
    return NULL;
  }
  const int rows = d[0], units = d[1], m = d[2];
  if (m > units || nh < (size_t)rows * units || nw < (size_t)m * k || no < (size_t)rows * k) {
    napi_throw_range_error(env, NULL, "matmulLeading: sizes");
    return NULL;
  }
  if (rows && m) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, k, m, 1.0f, h, units, w, k, 0.0f, out, k);
  else memset(out, 0, (size_t)rows * k * sizeof(float));
  return NULL;
}

typedef struct { float *out; const float *b; int units, act, from, to; } Nodes;

static void *nodes(void *arg) {
  const Nodes *p = arg;
  const int units = p->units;
  const float *b = p->b;
  for (int r = p->from; r < p->to; r++) {
    float *o = p->out + (size_t)r * units;
    switch (p->act) {
      case 0: for (int j = 0; j < units; j++) o[j] = 1.0f / (1.0f + expf(-(o[j] + b[j]))); break;
      case 1: for (int j = 0; j < units; j++) o[j] = tanhf(o[j] + b[j]); break;
      case 2: for (int j = 0; j < units; j++) { float z = o[j] + b[j]; o[j] = z > 0 ? z : 0; } break;
      case 3: for (int j = 0; j < units; j++) o[j] = sinf(o[j] + b[j]); break;
      case 4: for (int j = 0; j < units; j++) { float y = 0.2f * (o[j] + b[j]) + 0.5f; o[j] = y < 0 ? 0 : (y > 1 ? 1 : y); } break;
    }
  }
  return NULL;
}

/*
 * hiddenDense(x, rows, inputs, w, b, units, act, out): an ELM's random dense layer,
 * out = act(x W + b), as src/training/elm/hidden.ts builds it in tfjs: act 0 sigmoid, 1 tanh,
 * 2 relu, 3 sine, 4 hardlim (tfjs's hardSigmoid clip(0.2 z + 0.5, 0, 1) of z = 1000 (x W + b)).
 */
napi_value hiddenDense(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  int d[2], units, act;
  size_t nx = 0, nw = 0, nb = 0, no = 0;
  float *x = f32(env, a[0], &nx), *w = f32(env, a[3], &nw), *b = f32(env, a[4], &nb), *out = f32(env, a[7], &no);
  napi_value dims[2] = {a[1], a[2]};
  if (argc < 8 || !ints(env, dims, 2, d) || napi_get_value_int32(env, a[5], &units) != napi_ok || napi_get_value_int32(env, a[6], &act) != napi_ok || units < 1 || act < 0 || act > 4 || !x || !w || !b || !out) {
    napi_throw_type_error(env, NULL, "hiddenDense(x, rows, inputs, w, b, units, act, out)");
    return NULL;
  }
  const int rows = d[0], inputs = d[1];
  if (nx < (size_t)rows * inputs || nw < (size_t)inputs * units || nb < (size_t)units || no < (size_t)rows * units) {
    napi_throw_range_error(env, NULL, "hiddenDense: sizes");
    return NULL;
  }
  if (rows == 0) return NULL;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, units, inputs, 1.0f, x, inputs, w, units, 0.0f, out, units);
  /* The node function on two threads (half the rows each): its exp/tanh/sin cost as much as the product. */
  Nodes half[2] = {{out, b, units, act, 0, rows / 2}, {out, b, units, act, rows / 2, rows}};
  pthread_t helper;
  int threaded = rows >= 256 && pthread_create(&helper, NULL, nodes, &half[1]) == 0;
  nodes(&half[0]);
  if (threaded) pthread_join(helper, NULL);
  else nodes(&half[1]);
  return NULL;
}

/* matmulLeading64(h, rows, units, m, w, k, out): out = H[:, :m] W in float64 (H float32, W and out float64). */
napi_value matmulLeading64(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value a[7];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  int d[3], k;
  size_t nh = 0, nw = 0, no = 0;
  float *h = f32(env, a[0], &nh);
  double *w = f64(env, a[4], &nw), *out = f64(env, a[6], &no);
  napi_value dims[3] = {a[1], a[2], a[3]};
  if (argc < 7 || !ints(env, dims, 3, d) || napi_get_value_int32(env, a[5], &k) != napi_ok || k < 1 || !h || !w || !out) {
    napi_throw_type_error(env, NULL, "matmulLeading64(h, rows, units, m, w, k, out)");
    return NULL;
  }
  const int rows = d[0], units = d[1], m = d[2];
  if (m > units || nh < (size_t)rows * units || nw < (size_t)m * k || no < (size_t)rows * k) {
    napi_throw_range_error(env, NULL, "matmulLeading64: sizes");
    return NULL;
  }
  memset(out, 0, (size_t)rows * k * sizeof(double));
  if (rows == 0 || m == 0) return NULL;
  double *h64 = malloc((size_t)rows * m * sizeof(double));
  if (!h64) { napi_throw_error(env, NULL, "matmulLeading64: out of memory"); return NULL; }
  for (int r = 0; r < rows; r++) for (int j = 0; j < m; j++) h64[(size_t)r * m + j] = h[(size_t)r * units + j];
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, k, m, 1.0, h64, m, w, k, 0.0, out, k);
  free(h64);
  return NULL;
}
