package dev.o2c.account;

import static dev.o2c.account.AccountFixtures.heldByRule;
import static dev.o2c.account.AccountFixtures.line;
import static dev.o2c.account.AccountFixtures.order;
import static dev.o2c.account.AccountFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.InvoicingFailed;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoiceNumbers;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.invoice.TaxRates;
import dev.o2c.order.AutomationRules;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.payment.PaymentSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the ledger decides about orders, without actors: the credit check at the gross total,
 * which decisions issue an invoice and so take an invoice number (the entity counts them in a
 * dry run before it decides), invoicing that fails and is tried again on shipment, and the
 * answers made from the state after the events.
 */
class OrderDecisionsTest {

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-11-02");
  private static final PaymentSettings.Tenant PAYMENTS = new PaymentSettings.Tenant(Map.of(), null, true);
  /** Tenant "acme" before its LUXURY rate (10 %) was dropped. */
  private static final InvoicingSettings.Tenant WITH_LUXURY = new InvoicingSettings.Tenant(InvoicingSettings.InvoiceOn.VERIFIED, "INV",
      new TaxRates(BigDecimal.ZERO, Map.of("STANDARD", new BigDecimal("19"), "LUXURY", new BigDecimal("10"))), AccountFixtures.DUNNING);

  private final List<String> numbersTaken = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private CustomerState state = CustomerState.EMPTY.apply(new Created(
      "cust-1", "Acme", null, "EUR", new BigDecimal("1000.00"), 30, null, "hash", "alice", T0));

  @Test
  void a_verified_order_is_taken_and_invoiced_in_one_decision_that_takes_one_number() {
    var request = request("ord_1", "cust-1", "100.00", "STANDARD", T0);

    var decision = OrderDecisions.place(state, request, context(AccountFixtures.ON_VERIFIED, false));
    var answer = accepted(decide(decision));

    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(decision.events()));
    assertEquals(List.of("INV-2026-000001"), numbersTaken);
    var issued = (InvoiceIssued) decision.events().get(1);
    assertEquals("inv_1", issued.invoiceId());
    assertEquals(TODAY.plusDays(30), issued.dueOn());
    assertEquals(OrderStatus.VERIFIED, answer.status());
    assertEquals("inv_1", answer.invoiceId());
    assertEquals("INV-2026-000001", answer.invoiceNumber());
    assertMoney("119.00", answer.grossTotal());
  }

  @Test
  void the_credit_check_takes_the_orders_own_tax_rate_into_account() {
    // 900.00 net: at 19 % (1071.00) beyond the 1000.00 limit, at 7 % (963.00) within it.
    var standard = accepted(decide(OrderDecisions.place(state, request("ord_1", "cust-1", "900.00", "STANDARD", T0),
        context(AccountFixtures.ON_VERIFIED, false))));
    var reduced = accepted(decide(OrderDecisions.place(state, request("ord_2", "cust-1", "900.00", "REDUCED", T0),
        context(AccountFixtures.ON_VERIFIED, false))));

    assertEquals(OrderStatus.ON_HOLD, standard.status());
    assertMoney("1071.00", standard.grossTotal());
    assertEquals(OrderStatus.VERIFIED, reduced.status());
    assertMoney("963.00", reduced.grossTotal());
    assertEquals(List.of("INV-2026-000001"), numbersTaken, "only the verified order took a number");
  }

  @Test
  void a_held_order_takes_no_number_and_a_refused_one_decides_nothing() {
    var held = OrderDecisions.place(state, request("ord_1", "cust-1", "2000.00", null, T0), context(AccountFixtures.ON_VERIFIED, false));
    var unknownCode = OrderDecisions.place(state, request("ord_2", "cust-1", "10.00", "LUXURY", T0),
        context(AccountFixtures.ON_VERIFIED, false));

    assertEquals(List.of(OrderAccepted.class), classes(held.events()));
    assertEquals(List.of(), unknownCode.events());
    var refused = assertInstanceOf(LedgerAnswer.Refused.class, unknownCode.reply().apply(state));
    assertEquals(Rejection.Kind.UNPROCESSABLE, refused.rejection().kind());
    assertEquals(List.of(), numbersTaken);
  }

  @Test
  void on_a_tenant_invoicing_on_shipment_only_shipping_takes_a_number() {
    decide(OrderDecisions.place(state, request("ord_1", "cust-1", "2000.00", null, T0), context(AccountFixtures.ON_SHIPPED, false)));
    var approval = OrderDecisions.change(state, "ord_1", OrderLedger.Change.APPROVE, null, "alice", context(AccountFixtures.ON_SHIPPED, false));
    decide(approval);
    assertEquals(List.of(OrderApproved.class), classes(approval.events()));
    assertEquals(List.of(), numbersTaken);

    var shipment = OrderDecisions.change(state, "ord_1", OrderLedger.Change.SHIP, null, "alice", context(AccountFixtures.ON_SHIPPED, false));
    var answer = accepted(decide(shipment));

    assertEquals(List.of(InvoiceIssued.class), classes(shipment.events()));
    assertEquals(List.of("SHP-2026-000001"), numbersTaken);
    assertEquals(OrderStatus.SHIPPED, answer.status());
    assertEquals("SHP-2026-000001", answer.invoiceNumber());
    assertMoney("0", state.reserved());
    assertMoney("2000.00", state.receivable());
  }

  @Test
  void invoicing_that_failed_at_approval_is_done_by_the_shipment_once_the_tax_code_is_known() {
    PlacementRequest request = request("ord_1", order("cust-1", "EUR", null, line(1, "SKU-L", 1, "100.00", "LUXURY")),
        heldByRule("LARGE_ORDER", "large-order"), T0);
    decide(OrderDecisions.place(state, request, context(WITH_LUXURY, false)));

    var approval = OrderDecisions.change(state, "ord_1", OrderLedger.Change.APPROVE, null, "alice", context(AccountFixtures.ON_VERIFIED, false));
    var approved = accepted(decide(approval));

    assertEquals(List.of(OrderApproved.class, InvoicingFailed.class), classes(approval.events()));
    assertNull(approved.invoiceId());
    assertMoney("110.00", state.reserved());
    assertEquals(List.of(), numbersTaken);

    var shipment = OrderDecisions.change(state, "ord_1", OrderLedger.Change.SHIP, null, "alice", context(WITH_LUXURY, false));
    var shipped = accepted(decide(shipment));

    assertEquals(List.of(InvoiceIssued.class), classes(shipment.events()));
    assertMoney("110.00", ((InvoiceIssued) shipment.events().get(0)).total());
    assertEquals("inv_1", shipped.invoiceId());
    assertMoney("0", state.reserved());
    assertMoney("110.00", state.receivable());
  }

  @Test
  void an_approval_on_dunning_hold_beyond_the_limit_overrides_both_issues() {
    decide(OrderDecisions.place(state, request("ord_1", "cust-1", "1500.00", null, T0), context(AccountFixtures.ON_VERIFIED, true)));

    var approval = OrderDecisions.change(state, "ord_1", OrderLedger.Change.APPROVE, null, "alice", context(AccountFixtures.ON_VERIFIED, true));
    var answer = accepted(decide(approval));

    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD, CreditIssue.CREDIT_LIMIT_EXCEEDED), answer.overridden());
    assertEquals(answer.overridden(), ((OrderApproved) approval.events().get(0)).overridden());
  }

  @Test
  void an_order_of_free_items_gets_an_invoice_of_nothing_settled_at_once_and_no_cash_is_applied_to_it() {
    decide(PaymentLedger.apply(state, new CustomerAccount.ApplyPayment("pay_1", new BigDecimal("50.00"), "EUR", TODAY, null, null, null),
        PAYMENTS, T0));
    var request = request("ord_1", order("cust-1", "EUR", null, line(1, "SAMPLE", 3, "0.00", null)), AutomationRules.Outcome.NONE, T0);

    var decision = OrderDecisions.place(state, request, context(AccountFixtures.ON_VERIFIED, false));
    decide(decision);

    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(decision.events()));
    assertEquals(InvoiceStatus.PAID, state.settled().get("inv_1").status());
    assertTrue(state.receivables().isEmpty());
    assertMoney("50.00", state.unappliedCash());
    assertEquals(List.of("INV-2026-000001"), numbersTaken, "numbered like every invoice");
  }

  @Test
  void cancelling_an_invoiced_order_voids_its_invoice_once() {
    decide(OrderDecisions.place(state, request("ord_1", "cust-1", "100.00", null, T0), context(AccountFixtures.ON_VERIFIED, false)));

    var first = OrderDecisions.change(state, "ord_1", OrderLedger.Change.CANCEL, "gone", "bob", context(AccountFixtures.ON_VERIFIED, false));
    var answer = accepted(decide(first));
    var again = OrderDecisions.change(state, "ord_1", OrderLedger.Change.CANCEL, "gone", "bob", context(AccountFixtures.ON_VERIFIED, false));

    assertEquals(List.of(new InvoiceVoided("inv_1", "order cancelled", "bob", T0)), first.events());
    assertEquals(OrderStatus.CANCELLED, answer.status());
    assertEquals("inv_1", answer.invoiceId());
    assertEquals(List.of(), again.events());
    assertEquals(OrderStatus.CANCELLED, accepted(again.reply().apply(state)).status());
  }

  @Test
  void the_events_of_every_decision_replay_to_the_same_account() {
    decide(OrderDecisions.place(state, request("ord_1", "cust-1", "100.00", "STANDARD", T0), context(AccountFixtures.ON_VERIFIED, false)));
    decide(OrderDecisions.place(state, request("ord_2", "cust-1", "900.00", "STANDARD", T0), context(AccountFixtures.ON_VERIFIED, false)));
    decide(OrderDecisions.change(state, "ord_2", OrderLedger.Change.APPROVE, null, "alice", context(AccountFixtures.ON_VERIFIED, false)));
    decide(OrderDecisions.change(state, "ord_1", OrderLedger.Change.CANCEL, null, "alice", context(AccountFixtures.ON_VERIFIED, false)));

    var created = CustomerState.EMPTY.apply(new Created("cust-1", "Acme", null, "EUR", new BigDecimal("1000.00"), 30, null, "hash", "alice", T0));
    assertEquals(state, replayOnto(created));
    assertMoney("1071.00", state.receivable());
  }

  // --- Helpers --------------------------------------------------------------------------------

  private OrderDecisions.Context context(InvoicingSettings.Tenant invoicing, boolean dunningHold) {
    return new OrderDecisions.Context(T0, TODAY, invoicing, PAYMENTS, dunningHold, () -> {
      var number = InvoiceNumbers.format(invoicing.numberPrefix(), TODAY.getYear(), numbersTaken.size() + 1);
      numbersTaken.add(number);
      return number;
    });
  }

  /** Persists a decision as the entity does: its events applied in order, the reply made from the state after them. */
  private <R> R decide(Decision<R> decision) {
    for (var e : decision.events()) {
      state = state.apply(e);
    }
    events.addAll(decision.events());
    return decision.reply().apply(state);
  }

  private CustomerState replayOnto(CustomerState s) {
    for (var e : events) {
      s = s.apply(e);
    }
    return s;
  }

  private static LedgerAnswer.Accepted accepted(Object answer) {
    return assertInstanceOf(LedgerAnswer.Accepted.class, answer);
  }

  private static List<Class<?>> classes(List<?> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }
}
