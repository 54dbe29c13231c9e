package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The ceiling: {@code POST /v1/echo} with the body of a random order, at the open arrival rate of
 * {@link OrderIntakeSimulation}. The route reads and writes JSON as every endpoint does, behind the
 * same API key, and touches nothing else, so its rate is what HTTP and JSON alone allow on this
 * machine. The server must run with {@code config/benchmark.conf} (or
 * {@code O2C_BENCHMARK_ECHO=on}); otherwise every request is a 404.
 */
public class EchoSimulation extends Simulation {

  private final Params params = new Params();

  {
    params.print("EchoSimulation", "rate", "rampUp", "duration");

    ScenarioBuilder echo = scenario("Echo")
        .exec(session -> session.set("body", Bodies.order("echo-customer", "PO-echo")))
        .exec(http("echo")
            .post("/v1/echo")
            .body(StringBody("#{body}"))
            .asJson()
            .check(status().is(200), jsonPath("$.customerId").is("echo-customer")));

    setUp(echo.injectOpen(params.arrivals()))
        .protocols(params.protocol())
        .assertions(params.assertions())
        .maxDuration(params.maxDuration(120));
  }

  @Override
  public void before() {
    Setup.awaitReady(params);
  }
}
