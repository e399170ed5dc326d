/* Generated from src/training/engine/fast/codes.ts by scripts/fast-codes.ts: do not edit. */
#ifndef TREINO_CODES_H
#define TREINO_CODES_H
enum { OP_DENSE = 0, OP_DROPOUT = 1, OP_ACT = 2, OP_BATCHNORM = 3, OP_LAYERNORM = 4, OP_NOISE = 5, OP_EMBEDDING = 6, OP_CONCAT = 7, OP_ADD = 8, OP_MULTIPLY = 9, OP_AVERAGE = 10, OP_IDENTITY = 11 };
enum { A_LINEAR = 0, A_RELU = 1, A_RELU6 = 2, A_SIGMOID = 3, A_TANH = 4, A_ELU = 5, A_SELU = 6, A_SOFTPLUS = 7, A_SOFTSIGN = 8, A_SWISH = 9, A_SOFTMAX = 10, A_LEAKY = 11 };
enum { L_CCE = 0, L_SCCE = 1, L_BCE = 2, L_MSE = 3, L_MAE = 4 };
enum { O_SGD = 0, O_MOMENTUM = 1, O_ADAM = 2, O_RMSPROP = 3, O_ADAGRAD = 4 };
#endif
