package dev.o2c.infra.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  private static HealthCheck check(String name, Supplier<CompletionStage<HealthCheck.Result>> run) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletionStage<Result> run() {
        return run.get();
      }
    };
  }

  private static Readiness.Report report(HealthCheck... checks) {
    return new Readiness(List.of(checks), Duration.ofMillis(200)).check().toCompletableFuture().join();
  }

  @Test
  void ready_when_every_check_passes() {
    var report = report(
        check("a", () -> CompletableFuture.completedFuture(HealthCheck.Result.ok("fine"))),
        check("b", () -> CompletableFuture.completedFuture(HealthCheck.Result.ok("fine too"))));
    assertTrue(report.ready());
    assertEquals(List.of("a", "b"), List.copyOf(report.checks().keySet()));
  }

  @Test
  void one_failing_check_makes_it_not_ready_and_the_others_still_report() {
    var report = report(
        check("a", () -> CompletableFuture.completedFuture(HealthCheck.Result.ok("fine"))),
        check("b", () -> CompletableFuture.completedFuture(HealthCheck.Result.failed("member is Joining"))));
    assertFalse(report.ready());
    assertTrue(report.checks().get("a").ok());
    assertEquals("member is Joining", report.checks().get("b").detail());
  }

  @Test
  void a_check_that_never_answers_fails_after_the_timeout() {
    var report = report(check("slow", CompletableFuture::new));
    assertFalse(report.ready());
    assertEquals("no answer within 200 ms", report.checks().get("slow").detail());
  }

  @Test
  void a_check_that_fails_or_throws_reports_the_cause() {
    var report = report(
        check("failed", () -> CompletableFuture.failedFuture(new IllegalStateException("no host available"))),
        check("threw", () -> { throw new IllegalArgumentException("bad"); }));
    assertFalse(report.ready());
    assertEquals("IllegalStateException: no host available", report.checks().get("failed").detail());
    assertEquals("IllegalArgumentException: bad", report.checks().get("threw").detail());
  }
}
