package dev.o2c.loadtest;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.math.BigDecimal;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole order-to-cash cycle, one customer per arriving virtual user (so that each customer has
 * exactly one open invoice and every payment's outcome is known in advance):
 *
 * <ol>
 *   <li>open the customer (201); place a random order with an Idempotency-Key (201);</li>
 *   <li>approve it if it is ON_HOLD (200, VERIFIED); ship it (200, SHIPPED, with its
 *       {@code invoiceId}: the invoice exists when the order's answer does);</li>
 *   <li>read the invoice at once (ISSUED, balance = total, its number) — nothing is polled, and a
 *       payment naming the number right after finds it;</li>
 *   <li>pay, one of:
 *     <ul>
 *       <li>full (the rest): the total, remittance "Payment for INV-…", no customer: APPLIED by
 *           REFERENCE, invoice PAID, balance 0.00;</li>
 *       <li>partial ({@code partialShare}): half the total (rounded down to the cent), by
 *           reference: APPLIED, invoice PARTIALLY_PAID with the other half as balance;</li>
 *       <li>over ({@code overShare}): total + 10.00, by reference: PARTIALLY_APPLIED with
 *           unappliedAmount 10.00, invoice PAID;</li>
 *       <li>unreferenced ({@code unreferencedShare}): the total with the customerId and a text
 *           naming no invoice: APPLIED by EXACT_AMOUNT to the only open invoice, invoice PAID;</li>
 *     </ul></li>
 *   <li>read the invoice again: the expected status and balance.</li>
 * </ol>
 *
 * A virtual user stops at its first failed request (a later one could not be built without what
 * the failed one should have given).
 *
 * <p>Arrivals: {@code rampUsersPerSec(1).to(rate).during(rampUp)}, then
 * {@code constantUsersPerSec(rate).during(duration)}.
 */
public class FullOrderToCashSimulation extends Simulation {

  private static final BigDecimal OVERPAYMENT = new BigDecimal("10.00");

  private final Params params = new Params();

  @Override
  public void before() {
    Setup.awaitReady(params);
  }

  {
    params.print("FullOrderToCashSimulation", "rate", "rampUp", "duration",
        "partialShare", "overShare", "unreferencedShare");

    ScenarioBuilder cycle = scenario("Full order to cash")
        .exec(this::start)
        .exec(Requests.createCustomer())
        .exitHereIfFailed()
        .exec(Requests.placeOrder())
        .exitHereIfFailed()
        .doIf(session -> "ON_HOLD".equals(session.getString("orderStatus"))).then(Requests.approveOrder())
        .exec(Requests.shipOrder())
        .exitHereIfFailed()
        .exec(Requests.getIssuedInvoice())
        .exitHereIfFailed()
        .exec(this::payment)
        .exec(Requests.pay())
        .exec(Requests.getPaidInvoice());

    // Each user lives for its seven requests: no waits.
    setUp(cycle.injectOpen(params.arrivals()))
        .protocols(params.protocol())
        .assertions(params.assertions())
        .maxDuration(params.maxDuration(120));
  }

  /** The user's customer, order and the kind of payment it will make. */
  private Session start(Session session) {
    long user = session.userId();
    double draw = ThreadLocalRandom.current().nextDouble();
    String kind = draw < params.partialShare ? "partial"
        : draw < params.partialShare + params.overShare ? "over"
        : draw < params.partialShare + params.overShare + params.unreferencedShare ? "unreferenced"
        : "full";
    String customerId = params.run + "-f-" + user;
    return session
        .set("customerId", customerId)
        .set("orderKey", params.run + "-fo-" + user)
        .set("orderBody", Bodies.order(customerId, "PO-" + params.run + "-f-" + user))
        .set("paymentKind", kind)
        .set("byReference", !"unreferenced".equals(kind));
  }

  /** The payment's body and key, and what the payment and the invoice must show after it. */
  private Session payment(Session session) {
    BigDecimal total = new BigDecimal(session.getString("invoiceTotal"));
    String number = session.getString("invoiceNumber");
    String customerId = session.getString("customerId");
    String bankReference = params.run + "-bank-" + session.userId();
    String byNumber = "Payment for " + number + ", thank you";
    return switch (session.getString("paymentKind")) {
      case "partial" -> {
        BigDecimal half = Bodies.half(total);
        yield expect(session, Bodies.payment(null, half, byNumber, bankReference),
            "APPLIED", BigDecimal.ZERO, "REFERENCE", "PARTIALLY_PAID", total.subtract(half));
      }
      case "over" -> expect(session, Bodies.payment(null, total.add(OVERPAYMENT), byNumber, bankReference),
          "PARTIALLY_APPLIED", OVERPAYMENT, "REFERENCE", "PAID", BigDecimal.ZERO);
      case "unreferenced" -> expect(session,
          Bodies.payment(customerId, total, "Monthly transfer " + params.run, bankReference),
          "APPLIED", BigDecimal.ZERO, "EXACT_AMOUNT", "PAID", BigDecimal.ZERO);
      default -> expect(session, Bodies.payment(null, total, byNumber, bankReference),
          "APPLIED", BigDecimal.ZERO, "REFERENCE", "PAID", BigDecimal.ZERO);
    };
  }

  private Session expect(Session session, String body, String paymentStatus, BigDecimal unapplied,
      String rule, String invoiceStatus, BigDecimal balance) {
    return session
        .set("paymentKey", params.run + "-pay-" + session.userId())
        .set("paymentBody", body)
        .set("expectedPaymentStatus", paymentStatus)
        .set("expectedUnapplied", Bodies.money(unapplied))
        .set("expectedRule", rule)
        .set("expectedInvoiceStatus", invoiceStatus)
        .set("expectedBalance", Bodies.money(balance));
  }
}
