package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Order intake: shops place orders at an open arrival rate.
 *
 * <ol>
 *   <li>Setup, in {@code before()} and so not part of the statistics: wait for
 *       {@code /health/ready}; open {@code customers} customers (credit limit 1,000,000.00 EUR),
 *       {@code setupConcurrency} requests at a time.</li>
 *   <li>Load: {@code rampUsersPerSec(1).to(rate).during(rampUp)}, then
 *       {@code constantUsersPerSec(rate).during(duration)}. Each arrival places one random order
 *       (1-10 lines) for a random customer with an Idempotency-Key of its own (201, VERIFIED or
 *       ON_HOLD). A share {@code retryShare} of arrivals is a client retrying instead: it sends an
 *       order placed earlier in the run again, same key and same body, and must get 201 with
 *       {@code Idempotent-Replayed: true} and the same order id. (Until an order has been placed,
 *       such an arrival places a new one.)</li>
 * </ol>
 */
public class OrderIntakeSimulation extends Simulation {

  private final Params params = new Params();
  private final AtomicLong orderNumbers = new AtomicLong();
  private final Placed placed = new Placed(1024);

  {
    params.print("OrderIntakeSimulation", "rate", "rampUp", "duration", "customers", "setupConcurrency", "retryShare");

    ChainBuilder newOrder = exec(session -> {
          long n = orderNumbers.incrementAndGet();
          return session
              .set("orderKey", params.run + "-o-" + n)
              .set("orderBody", Bodies.order(Requests.randomCustomer(params), "PO-" + params.run + "-" + n));
        })
        .exec(Requests.placeOrder())
        .exec(session -> {
          if (!session.isFailed()) {
            placed.add(new Placed.Order(session.getString("orderKey"), session.getString("orderBody"), session.getString("orderId")));
          }
          return session;
        });

    ChainBuilder retry = exec(Requests.replayOrder());

    ScenarioBuilder intake = scenario("Order intake")
        .exec(session -> {
          Placed.Order earlier = ThreadLocalRandom.current().nextDouble() < params.retryShare ? placed.any() : null;
          return earlier == null
              ? session.set("retry", false)
              : session.set("retry", true).set("orderKey", earlier.key()).set("orderBody", earlier.body()).set("orderId", earlier.orderId());
        })
        .doIfOrElse(session -> session.getBoolean("retry")).then(retry).orElse(newOrder);

    setUp(intake.injectOpen(params.arrivals()))
        .protocols(params.protocol())
        .assertions(params.assertions())
        // The load, plus the longest a last request may take (Gatling's request timeout, 60 s).
        .maxDuration(params.maxDuration(120));
  }

  /** Outside the statistics: the server is ready and the customers are open. */
  @Override
  public void before() {
    Setup.awaitReady(params);
    Setup.openCustomers(params);
  }

  /** A bounded ring of the orders placed last in this run, for the retries. */
  static final class Placed {
    record Order(String key, String body, String orderId) {}

    private final AtomicReferenceArray<Order> ring;
    private final AtomicLong count = new AtomicLong();

    Placed(int capacity) {
      ring = new AtomicReferenceArray<>(capacity);
    }

    void add(Order order) {
      ring.set((int) (count.getAndIncrement() % ring.length()), order);
    }

    /** A random one of the orders kept, or null before the first. */
    Order any() {
      long filled = Math.min(count.get(), ring.length());
      // A slot claimed by add() but not yet written is null: the caller then places a new order.
      return filled == 0 ? null : ring.get(ThreadLocalRandom.current().nextInt((int) filled));
    }
  }
}
