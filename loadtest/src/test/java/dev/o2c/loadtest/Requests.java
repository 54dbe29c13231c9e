package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.concurrent.ThreadLocalRandom;

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
            jsonPath("$.status").in("VERIFIED", "ON_HOLD").saveAs("orderStatus"),
            jsonPath("$.invoiceId").optional().saveAs("invoiceId"));
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

  /**
   * {@code POST /v1/orders/{orderId}/ship}: 200, SHIPPED, and invoiced: its invoice was issued in
   * the customer's account's write that verified the order (or that shipped it, where the tenant
   * invoices on shipment), so the answer names it. Saves {@code invoiceId}. Nothing is polled.
   */
  static HttpRequestActionBuilder shipOrder() {
    return http("ship order")
        .post("/v1/orders/#{orderId}/ship")
        .body(StringBody("{\"carrier\":\"DHL\",\"trackingNumber\":\"LT-#{orderKey}\"}"))
        .asJson()
        .check(status().is(200), jsonPath("$.status").is("SHIPPED"), jsonPath("$.invoiceId").saveAs("invoiceId"));
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
