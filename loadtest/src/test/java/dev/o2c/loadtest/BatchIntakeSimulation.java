package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batch intake: a bulk import sends {@code batches} batches of {@code batchSize} orders (1 to
 * 1,000) to {@code POST /v1/orders/batch}, {@code batchConcurrency} batches in flight at once,
 * after the setup ({@code before()}, not part of the statistics) has opened {@code customers}
 * customers. Every order carries its own
 * {@code idempotencyKey}; the answer is 200 with one result per order, every one 201 and none a
 * replay. Bounded in count: exactly {@code batches} batch requests.
 */
public class BatchIntakeSimulation extends Simulation {

  /** Milliseconds per order of a batch in the default p99: 100 orders take about 0.6 s on 2 cores. */
  private static final int P99_MS_PER_ORDER = 20;

  /** Default p99: 20 ms per order of a batch, at least 1,000 ms (2 s for 100, 20 s for 1,000). */
  private final Params params = new Params(p -> Math.max(1000, P99_MS_PER_ORDER * p.batchSize));
  private final AtomicInteger nextBatch = new AtomicInteger();

  {
    params.print("BatchIntakeSimulation", "batchSize", "batches", "batchConcurrency", "customers", "setupConcurrency");

    ScenarioBuilder imports = scenario("Batch intake")
        .asLongAs(session -> nextBatch.get() < params.batches)
        .on(exec(session -> session.set("batchNo", nextBatch.getAndIncrement()))
            .doIf(session -> session.getInt("batchNo") < params.batches)
            .then(exec(this::batch).exec(Requests.placeBatch(params.batchSize))));

    setUp(imports.injectOpen(atOnceUsers(params.batchConcurrency)))
        .protocols(params.protocol())
        .assertions(params.assertions())
        // Each batch request ends within Gatling's request timeout (60 s).
        .maxDuration(Duration.ofSeconds(60L + 60L * ((params.batches + params.batchConcurrency - 1) / params.batchConcurrency)));
  }

  /** Outside the statistics: the server is ready and the customers are open. */
  @Override
  public void before() {
    Setup.awaitReady(params);
    Setup.openCustomers(params);
  }

  /** The batch body: a JSON array of {@code batchSize} random orders, each with its own key. */
  private Session batch(Session session) {
    int batchNo = session.getInt("batchNo");
    StringBuilder body = new StringBuilder(params.batchSize * 700).append('[');
    for (int i = 0; i < params.batchSize; i++) {
      if (i > 0) {
        body.append(',');
      }
      String key = params.run + "-b" + batchNo + "-" + i;
      body.append(Bodies.batchItem(key, Requests.randomCustomer(params), "PO-" + key));
    }
    return session.set("batchBody", body.append(']').toString());
  }
}
