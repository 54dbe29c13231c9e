package dev.o2c.infra.health;

import java.util.concurrent.CompletionStage;

/** One condition of readiness; it completes with its result and never blocks a thread. */
public interface HealthCheck {

  /** The name under which the result is reported ("cluster", "cassandra"). */
  String name();

  CompletionStage<Result> run();

  /** Whether the condition holds, and a short human-readable word on why. */
  record Result(boolean ok, String detail) {
    public static Result ok(String detail) {
      return new Result(true, detail);
    }

    public static Result failed(String detail) {
      return new Result(false, detail);
    }
  }
}
