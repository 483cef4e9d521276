/** Bad arguments: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {}

/** The operation cannot be done (missing CA folder, unknown serial, wrong passphrase): exit 1. */
export class PkiError extends Error {}
