#!/usr/bin/env node
// The CLI is TypeScript (cli/treino.ts), run through tsx as the service is.
import { register } from "tsx/esm/api";

register();
await import("../cli/treino.ts");
