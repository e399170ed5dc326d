/* The one N-API helper both files need: a typed array argument's data and length. */
#ifndef TREINO_NAPI_ARRAYS_H
#define TREINO_NAPI_ARRAYS_H
#define NAPI_VERSION 8
#include <node_api.h>

/*
 * The data pointer of a typed array of the expected element type, its element count in *length;
 * NULL if v is not one (a Float32Array where doubles are read would be read past its end).
 */
static inline void *typed_as(napi_env env, napi_value v, napi_typedarray_type expected, size_t *length) {
  bool is;
  if (length) *length = 0;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return NULL;
  napi_typedarray_type type;
  void *data;
  size_t len;
  if (napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok || type != expected) return NULL;
  if (length) *length = len;
  return data;
}
#define f32(env, v, len) ((float *)typed_as(env, v, napi_float32_array, len))
#define f64(env, v, len) ((double *)typed_as(env, v, napi_float64_array, len))
#define i32(env, v, len) ((int32_t *)typed_as(env, v, napi_int32_array, len))

#endif
