package dev.o2c.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a simulation does in {@code before()}, outside Gatling's statistics (so that the assertions
 * measure the load, not the setup): wait until the server is ready, open the customers. Bounded in
 * time and count; any failure throws, which stops the run before the load starts.
 */
final class Setup {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private Setup() {}

  /** Waits until {@code GET /health/ready} answers 200, for at most {@code readyTimeout} seconds. */
  static void awaitReady(Params params) {
    HttpClient client = client();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(params.baseUrl + "/health/ready"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(params.readyTimeout);
    String last = "no answer";
    while (true) {
      try {
        HttpResponse<String> response = client.send(ready, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (java.io.IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(params.baseUrl + "/health/ready is not 200 after "
            + params.readyTimeout + " s: " + last);
      }
      sleep(1000);
    }
  }

  /**
   * Opens customers 0 .. {@code customers - 1} of the run ({@link Requests#customerId}), at most
   * {@code setupConcurrency} requests in flight, within {@code setupTimeout} seconds. 201 and 409
   * (it exists from an earlier run with the same run id) are both fine; anything else fails.
   */
  static void openCustomers(Params params) {
    HttpClient client = client();
    Semaphore inFlight = new Semaphore(params.setupConcurrency);
    AtomicInteger created = new AtomicInteger();
    AtomicInteger existing = new AtomicInteger();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(params.setupTimeout);
    try {
      for (int n = 0; n < params.customers && errors.isEmpty(); n++) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException("setup: customers not opened within " + params.setupTimeout + " s");
        }
        String customerId = Requests.customerId(params, n);
        HttpRequest request = HttpRequest.newBuilder(URI.create(params.baseUrl + "/v1/customers"))
            .timeout(REQUEST_TIMEOUT)
            .header("X-API-Key", params.apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Bodies.customer(customerId)))
            .build();
        CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        sent.whenComplete((response, failure) -> {
          try {
            if (failure != null) {
              errors.add(customerId + ": " + failure);
            } else if (response.statusCode() == 201) {
              created.incrementAndGet();
            } else if (response.statusCode() == 409) {
              existing.incrementAndGet();
            } else {
              errors.add(customerId + ": " + response.statusCode() + " " + response.body());
            }
          } finally {
            inFlight.release(); // after counting: all permits back means all answers counted
          }
        });
      }
      long left = deadline - System.nanoTime();
      if (!inFlight.tryAcquire(params.setupConcurrency, Math.max(left, 0), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("setup: customers not opened within " + params.setupTimeout + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("setup: opening customers failed (" + errors.size() + "), e.g. " + errors.get(0));
    }
    if (created.get() + existing.get() != params.customers) {
      throw new IllegalStateException("setup: " + (created.get() + existing.get()) + " of " + params.customers + " customers opened");
    }
    System.out.printf("Setup: %d customers opened (%d new, %d existing) in %d ms%n",
        created.get() + existing.get(), created.get(), existing.get(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
