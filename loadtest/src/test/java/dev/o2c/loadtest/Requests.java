package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitHereIfFailed;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The requests of the simulations and the chains they share. Requests read what they need from
 * the virtual user's session: {@code customerId}, {@code orderKey} and {@code orderBody},
 * {@code orderId}, {@code invoiceId}, ...
 *
 * <p>Request names: what a request does; polling requests start with {@code "poll "} so that they
 * can be told apart in the report (they are part of the global percentiles).
 */
final class Requests {

  static final String REPLAYED = "Idempotent-Replayed";

  private Requests() {}

  // ---- customers -------------------------------------------------------------------------------

  /** The id of the setup phase's customer number {@code n} of this run. */
  static String customerId(Params params, int n) {
    return params.run + "-c-" + n;
  }

  /** A random customer of the setup phase ({@link Setup#openCustomers}). */
  static String randomCustomer(Params params) {
    return customerId(params, ThreadLocalRandom.current().nextInt(params.customers));
  }

  /** {@code POST /v1/customers} for {@code #{customerId}}: 201. */
  static HttpRequestActionBuilder createCustomer() {
    return http("create customer")
        .post("/v1/customers")
        .body(StringBody(session -> Bodies.customer(session.getString("customerId"))))
        .asJson()
        .check(status().is(201));
  }

  // ---- orders ----------------------------------------------------------------------------------

  /**
   * {@code POST /v1/orders} with {@code #{orderKey}} and {@code #{orderBody}}: a new order, 201,
   * not a replay, VERIFIED or ON_HOLD. Saves {@code orderId} and {@code orderStatus}.
   */
  static HttpRequestActionBuilder placeOrder() {
    return http("place order")
        .post("/v1/orders")
        .header("Idempotency-Key", "#{orderKey}")
        .body(StringBody("#{orderBody}"))
        .asJson()
        .check(
            status().is(201),
            header(REPLAYED).notExists(),
            header("Location").exists(),
            jsonPath("$.orderId").saveAs("orderId"),
            jsonPath("$.total").exists(),
            jsonPath("$.status").in("VERIFIED", "ON_HOLD").saveAs("orderStatus"));
  }

  /**
   * The same Idempotency-Key and body again (a client's retry): 201 with
   * {@code Idempotent-Replayed: true} and the same order id.
   */
  static HttpRequestActionBuilder replayOrder() {
    return http("retry order (same key)")
        .post("/v1/orders")
        .header("Idempotency-Key", "#{orderKey}")
        .body(StringBody("#{orderBody}"))
        .asJson()
        .check(
            status().is(201),
            header(REPLAYED).is("true"),
            jsonPath("$.orderId").isEL("#{orderId}"));
  }

  /** {@code POST /v1/orders/{orderId}/approve} of an ON_HOLD order: 200, VERIFIED. */
  static HttpRequestActionBuilder approveOrder() {
    return http("approve order")
        .post("/v1/orders/#{orderId}/approve")
        .body(StringBody("{\"note\":\"approved by the load test\"}"))
        .asJson()
        .check(status().is(200), jsonPath("$.status").is("VERIFIED"));
  }

  /** {@code POST /v1/orders/{orderId}/ship}: 200, SHIPPED. */
  static HttpRequestActionBuilder shipOrder() {
    return http("ship order")
        .post("/v1/orders/#{orderId}/ship")
        .body(StringBody("{\"carrier\":\"DHL\",\"trackingNumber\":\"LT-#{orderKey}\"}"))
        .asJson()
        .check(status().is(200), jsonPath("$.status").is("SHIPPED"));
  }

  /** {@code POST /v1/orders/batch} of {@code #{batchBody}} ({@code size} orders): every result 201. */
  static HttpRequestActionBuilder placeBatch(int size) {
    return http("place batch of " + size)
        .post("/v1/orders/batch")
        .body(StringBody("#{batchBody}"))
        .asJson()
        .check(
            status().is(200),
            jsonPath("$[*].index").count().is(size),
            jsonPath("$[?(@.status != 201)]").count().is(0),
            jsonPath("$[?(@.replayed == true)]").count().is(0));
  }

  // ---- waiting for the invoice (bounded polling) ----------------------------------------------------

  /**
   * Waits until the order {@code #{orderId}} has its invoice: polls {@code GET /v1/orders/{id}}
   * every {@code pollInterval} seconds, at most {@code maxPolls} times, and saves
   * {@code invoiceId}. Then until the customer's account has recorded it as an open invoice
   * ({@code GET /v1/customers/{id}}: {@code openInvoices} &ge; 1; the invoicing projection's last
   * step), so that a payment finds it. With {@code listed}, also until the customer's invoice list
   * (the read model the server looks invoice numbers up in) has it, for payments that name no
   * customer.
   *
   * <p>Every loop ends after {@code maxPolls} requests, and its last request fails (KO) when what it
   * waits for is still missing, so that a timeout counts as a failed request: Gatling does not count
   * a request it could not build (a missing session attribute) as one. The virtual user then stops.
   */
  static ChainBuilder awaitInvoice(Params params, boolean listed) {
    ChainBuilder chain = exec(session -> session.remove("invoiceId").set("openInvoices", 0).set("listed", 0))
        .exec(poll(params, "poll order until invoiced", session -> !session.contains("invoiceId"), false,
            http("poll order until invoiced")
                .get("/v1/orders/#{orderId}")
                .check(
                    status().is(200),
                    jsonPath("$.paymentStatus").exists(),
                    jsonPath("$.invoiceId").optional().saveAs("invoiceId")),
            jsonPath("$.invoiceId").exists()))
        .exec(poll(params, "poll customer until invoice recorded", session -> session.getInt("openInvoices") < 1, true,
            http("poll customer until invoice recorded")
                .get("/v1/customers/#{customerId}")
                .check(status().is(200), jsonPath("$.openInvoices").ofInt().saveAs("openInvoices")),
            jsonPath("$.openInvoices").ofInt().gte(1)));
    if (listed) {
      chain = chain.exec(poll(params, "poll invoice list until listed", session -> session.getInt("listed") < 1, true,
          http("poll invoice list until listed")
              .get("/v1/customers/#{customerId}/invoices?status=open")
              .check(
                  status().is(200),
                  jsonPath("$.invoices[?(@.invoiceId == '#{invoiceId}')]").count().saveAs("listed")),
          jsonPath("$.invoices[?(@.invoiceId == '#{invoiceId}')]").count().gte(1)));
    }
    return chain.exitHereIfFailed();
  }

  /**
   * Sends {@code request} as long as {@code waiting} holds, at most {@code maxPolls} times, with
   * {@code pollInterval} seconds before each (after the first, when {@code firstAtOnce}); the last
   * one also checks {@code done}, so it fails when the wait is still not over.
   */
  private static ChainBuilder poll(Params params, String name, Function<Session, Boolean> waiting,
      boolean firstAtOnce, HttpRequestActionBuilder request, CheckBuilder done) {
    String counter = name.replace(' ', '_');
    int last = params.maxPolls - 1;
    return exitHereIfFailed()
        .asLongAs(session -> waiting.apply(session) && session.getInt(counter) < params.maxPolls, counter)
        .on(doIf(session -> !firstAtOnce || session.getInt(counter) > 0).then(pause(params.pollInterval))
            .exec(request.checkIf(session -> session.getInt(counter) == last).then(done)));
  }

  // ---- invoices and payments -----------------------------------------------------------------------

  /**
   * {@code GET /v1/invoices/{invoiceId}} as issued: ISSUED, balance = total, a number. Saves
   * {@code invoiceNumber} and {@code invoiceTotal}.
   */
  static HttpRequestActionBuilder getIssuedInvoice() {
    return http("get invoice")
        .get("/v1/invoices/#{invoiceId}")
        .check(
            status().is(200),
            jsonPath("$.status").is("ISSUED"),
            jsonPath("$.invoiceNumber").saveAs("invoiceNumber"),
            jsonPath("$.total").saveAs("invoiceTotal"),
            jsonPath("$.balance").isEL("#{invoiceTotal}"));
  }

  /**
   * {@code POST /v1/payments} of {@code #{paymentBody}} with {@code #{paymentKey}}: 201, not a
   * replay, the expected {@code status}, {@code unappliedAmount} and first allocation's rule
   * ({@code expectedPaymentStatus}, {@code expectedUnapplied}, {@code expectedRule}).
   */
  static HttpRequestActionBuilder pay() {
    return http("post payment")
        .post("/v1/payments")
        .header("Idempotency-Key", "#{paymentKey}")
        .body(StringBody("#{paymentBody}"))
        .asJson()
        .check(
            status().is(201),
            header(REPLAYED).notExists(),
            jsonPath("$.customerId").isEL("#{customerId}"),
            jsonPath("$.status").isEL("#{expectedPaymentStatus}"),
            jsonPath("$.unappliedAmount").isEL("#{expectedUnapplied}"),
            jsonPath("$.allocations[0].invoiceId").isEL("#{invoiceId}"),
            jsonPath("$.allocations[0].rule").isEL("#{expectedRule}"));
  }

  /** {@code GET /v1/invoices/{invoiceId}} after the payment: {@code expectedInvoiceStatus}, {@code expectedBalance}. */
  static HttpRequestActionBuilder getPaidInvoice() {
    return http("get invoice after payment")
        .get("/v1/invoices/#{invoiceId}")
        .check(
            status().is(200),
            jsonPath("$.status").isEL("#{expectedInvoiceStatus}"),
            jsonPath("$.balance").isEL("#{expectedBalance}"));
  }
}
