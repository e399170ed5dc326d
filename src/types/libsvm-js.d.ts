/** libsvm-js ships no types; src/training/baselines/svm.ts declares the part it uses. */
declare module "libsvm-js";
