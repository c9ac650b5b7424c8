/**
 * The longest timeout the endpoints accept, in seconds: Node's timers take at most 2^31 - 1 ms
 * (a longer one fires after 1 ms), and Node adds 1 s to a keep-alive timeout.
 */
export const LONGEST_TIMEOUT_SECONDS = 2_147_482;
