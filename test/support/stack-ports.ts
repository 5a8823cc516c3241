/** The ports of a private copy of the local stack (scripts/stack.sh), offset from one base so that stacks never meet. */
export function stackPorts(base: number) {
  return {
    STACK_TEMPORAL_PORT: String(base + 233),
    STACK_TEMPORAL_UI_PORT: String(base + 234),
    STACK_MONGO_PORT: String(base + 17),
    STACK_MONGO_DEBUG_PORT: String(base + 18),
    STACK_SMTP_PORT: String(base + 25),
    STACK_INBOX_PORT: String(base + 80),
  };
}
