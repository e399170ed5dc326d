/* The one N-API helper both files need: a typed array argument's data and length. */
#ifndef TREINO_NAPI_ARRAYS_H
#define TREINO_NAPI_ARRAYS_H
#define NAPI_VERSION 8
#include <node_api.h>

/* The data pointer of a typed array (any element type), its element count in *length; NULL if v is not one. */
static inline void *typed(napi_env env, napi_value v, size_t *length) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return NULL;
  napi_typedarray_type type;
  void *data;
  size_t len;
  napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL);
  if (length) *length = len;
  return data;
}

#endif
