package dev.o2c.infra.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Runs every readiness check at once, each bounded by a timeout, and reports all of them. */
public final class Readiness {

  /** Ready when every check passed; {@code checks} maps each check's name to its result. */
  public record Report(boolean ready, Map<String, HealthCheck.Result> checks) {}

  private final List<HealthCheck> checks;
  private final Duration timeout;

  public Readiness(List<HealthCheck> checks, Duration timeout) {
    this.checks = List.copyOf(checks);
    this.timeout = timeout;
  }

  public CompletionStage<Report> check() {
    List<CompletableFuture<HealthCheck.Result>> running = new ArrayList<>();
    for (HealthCheck check : checks) {
      CompletableFuture<HealthCheck.Result> result;
      try {
        result = check.run().toCompletableFuture();
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      running.add(
          result
              .completeOnTimeout(HealthCheck.Result.failed("no answer within " + timeout.toMillis() + " ms"), timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
              .exceptionally(e -> HealthCheck.Result.failed(rootMessage(e))));
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
              boolean ready = true;
              for (int i = 0; i < checks.size(); i++) {
                HealthCheck.Result result = running.get(i).join();
                results.put(checks.get(i).name(), result);
                ready &= result.ok();
              }
              return new Report(ready, results);
            });
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
