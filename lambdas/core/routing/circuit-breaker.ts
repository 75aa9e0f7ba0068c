export interface CircuitBreakerOptions {
  /** Consecutive retryable failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit is skipped before one probe is let through. */
  cooldownMs: number;
}

interface Circuit {
  failures: number;
  openUntil: number;
  /** While set and in the future, a probe is out and others keep skipping the model. */
  probeUntil: number;
}

/**
 * Per model endpoint (`provider/model`): after repeated failures it is skipped for a cooldown,
 * then one request probes it; success closes the circuit, failure opens it again.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();

  constructor(private readonly options: CircuitBreakerOptions) {}

  /**
   * Whether a request may go to the model now. After the cooldown one request claims the probe;
   * a probe that never reports back (its client left) frees the model again after a cooldown.
   */
  allows(model: string, now: number): boolean {
    if (!this.isOpen(model, now)) {
      const circuit = this.circuits.get(model);
      if (circuit && circuit.failures >= this.options.failureThreshold) circuit.probeUntil = now + this.options.cooldownMs;
      return true;
    }
    return false;
  }

  isOpen(model: string, now: number): boolean {
    const circuit = this.circuits.get(model);
    if (!circuit || circuit.failures < this.options.failureThreshold) return false;
    return now < circuit.openUntil || now < circuit.probeUntil;
  }

  recordSuccess(model: string): void {
    this.circuits.delete(model);
  }

  recordFailure(model: string, now: number): void {
    const circuit = this.circuits.get(model) ?? { failures: 0, openUntil: 0, probeUntil: 0 };
    circuit.failures++;
    circuit.probeUntil = 0;
    if (circuit.failures >= this.options.failureThreshold) circuit.openUntil = now + this.options.cooldownMs;
    this.circuits.set(model, circuit);
  }
}
