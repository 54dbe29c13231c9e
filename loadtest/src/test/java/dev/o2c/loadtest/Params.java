package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The parameters of every simulation, read from system properties ({@code -Dname=value} on the mvn
 * line), with their defaults; the HTTP protocol and the assertions all simulations share.
 *
 * <p>Every parameter is read and checked once, when a simulation is built, and printed, so a run's
 * log says what it was run with.
 */
final class Params {

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_]{0,31}");

  /** The server, e.g. {@code http://127.0.0.1:8080} (no trailing slash needed). */
  final String baseUrl = text("baseUrl", "http://127.0.0.1:8080").replaceAll("/+$", "");
  /** Sent as {@code X-API-Key} with every /v1 request. */
  final String apiKey = text("apiKey", "o2c-dev-key");
  /** Arrivals per second of the open model's constant phase. */
  final double rate = decimal("rate", 20, 0.01, 10_000);
  /** Seconds of constant rate. */
  final int duration = integer("duration", 60, 1, 86_400);
  /** Seconds of the ramp from 1 arrival/s to {@code rate} (0: no ramp). */
  final int rampUp = integer("rampUp", 10, 0, 86_400);
  /** How many customers the setup phase opens (order intake and batch simulations). */
  final int customers = integer("customers", 2000, 1, 1_000_000);
  /** How many customers the setup phase opens at once (requests in flight). */
  final int setupConcurrency = integer("setupConcurrency", 8, 1, 256);
  /** The setup phase must be done within this many seconds. */
  final int setupTimeout = integer("setupTimeout", 300, 1, 86_400);
  /** Seconds to wait for {@code GET /health/ready} to answer 200 before the run. */
  final int readyTimeout = integer("readyTimeout", 60, 0, 3600);
  /** Share of order-intake arrivals that retry an earlier Idempotency-Key (0 to 1). */
  final double retryShare = decimal("retryShare", 0.1, 0, 1);
  /** Share of full order-to-cash payments that pay half the invoice (0 to 1). */
  final double partialShare = decimal("partialShare", 0.2, 0, 1);
  /** Share of full order-to-cash payments that pay the total + 10.00 (0 to 1). */
  final double overShare = decimal("overShare", 0.1, 0, 1);
  /** Share of full order-to-cash payments that name the customer but no invoice (0 to 1). */
  final double unreferencedShare = decimal("unreferencedShare", 0.1, 0, 1);
  /** Orders per batch of the batch simulation (1 to 1000). */
  final int batchSize = integer("batchSize", 100, 1, 1000);
  /** Batches the batch simulation sends in all. */
  final int batches = integer("batches", 10, 1, 100_000);
  /** Batches in flight at once in the batch simulation. */
  final int batchConcurrency = integer("batchConcurrency", 1, 1, 64);
  /**
   * The run's id: the prefix of every customer id, Idempotency-Key and bank reference, so that
   * repeated runs against the same database do not collide. Default: the current time in base 36.
   */
  final String run = text("run", Long.toString(System.currentTimeMillis(), 36));

  /**
   * The 99th percentile of response times (all requests) must stay below this many ms. Default
   * 1000, or what the simulation says (the batch simulation's grows with the batch size).
   */
  final int p99;

  Params() {
    this(params -> 1000);
  }

  Params(ToIntFunction<Params> defaultP99) {
    p99 = integer("p99", defaultP99.applyAsInt(this), 1, 3_600_000);
    if (!RUN_ID.matcher(run).matches()) {
      throw new IllegalArgumentException(
          "run must be 1 to 32 letters, digits or '_', starting with a letter or digit: " + run);
    }
    if (partialShare + overShare + unreferencedShare > 1.0 + 1e-9) {
      throw new IllegalArgumentException("partialShare + overShare + unreferencedShare must be at most 1");
    }
  }

  /** The HTTP protocol of every simulation: the base URL, the API key, no warm-up request. */
  HttpProtocolBuilder protocol() {
    return http.baseUrl(baseUrl)
        .header("X-API-Key", apiKey)
        .acceptHeader("application/json")
        .userAgentHeader("o2c-loadtest (Gatling)")
        // A few client systems (shops, bank imports) rather than one connection per arriving user.
        .shareConnections()
        .disableWarmUp();
  }

  /**
   * The open model's arrivals: {@code rampUsersPerSec(1).to(rate).during(rampUp)} (unless
   * {@code rampUp} is 0), then {@code constantUsersPerSec(rate).during(duration)}.
   */
  List<OpenInjectionStep> arrivals() {
    List<OpenInjectionStep> steps = new ArrayList<>();
    if (rampUp > 0) {
      steps.add(rampUsersPerSec(1).to(rate).during(rampUp));
    }
    steps.add(constantUsersPerSec(rate).during(duration));
    return steps;
  }

  /** No failed request, and the 99th percentile of all response times below {@code p99}. */
  List<Assertion> assertions() {
    return List.of(
        global().failedRequests().count().is(0L),
        global().responseTime().percentile(99.0).lt(p99));
  }

  /** An upper bound of a simulation's time: the load, plus {@code extraSeconds} for setup and draining. */
  Duration maxDuration(int extraSeconds) {
    return Duration.ofSeconds((long) rampUp + duration + extraSeconds);
  }

  /** Prints the parameters once, at the start of a run. */
  void print(String simulation, String... names) {
    StringBuilder out = new StringBuilder(simulation).append(": baseUrl=").append(baseUrl)
        .append(" run=").append(run).append(" p99=").append(p99).append("ms");
    for (String name : names) {
      out.append(' ').append(name).append('=').append(valueOf(name));
    }
    System.out.println(out);
  }

  private String valueOf(String name) {
    try {
      var field = Params.class.getDeclaredField(name);
      Object value = field.get(this);
      return value instanceof Double d ? String.format(Locale.ROOT, "%s", d) : String.valueOf(value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("no parameter " + name, e);
    }
  }

  private static String text(String name, String fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static int integer(String name, int fallback, int min, int max) {
    String value = text(name, String.valueOf(fallback));
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ": " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number: " + value, e);
    }
  }

  private static double decimal(String name, double fallback, double min, double max) {
    String value = text(name, String.valueOf(fallback));
    try {
      double parsed = Double.parseDouble(value);
      if (!(parsed >= min && parsed <= max)) {
        throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ": " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number: " + value, e);
    }
  }
}
