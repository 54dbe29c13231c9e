package dev.o2c.account;

import static dev.o2c.account.AccountFixtures.alerted;
import static dev.o2c.account.AccountFixtures.heldByRule;
import static dev.o2c.account.AccountFixtures.line;
import static dev.o2c.account.AccountFixtures.order;
import static dev.o2c.account.AccountFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.account.CustomerAccount.AccountCreditApplied;
import dev.o2c.account.CustomerAccount.ApplyPayment;
import dev.o2c.account.CustomerAccount.ChangeOrder;
import dev.o2c.account.CustomerAccount.Command;
import dev.o2c.account.CustomerAccount.Create;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.DunningLevelRaised;
import dev.o2c.account.CustomerAccount.DunningRun;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.Get;
import dev.o2c.account.CustomerAccount.GetInvoice;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.InvoicingFailed;
import dev.o2c.account.CustomerAccount.IssueCreditNote;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.account.CustomerAccount.OrderClosed;
import dev.o2c.account.CustomerAccount.PaymentAllocated;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PlaceOrder;
import dev.o2c.account.CustomerAccount.PlacementRecorded;
import dev.o2c.account.CustomerAccount.PlacementsConfirmed;
import dev.o2c.account.CustomerAccount.ReversePayment;
import dev.o2c.account.CustomerAccount.RunDunning;
import dev.o2c.account.CustomerAccount.UnallocatePayment;
import dev.o2c.account.CustomerAccount.VoidInvoice;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.Application;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceLine;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoiceView;
import dev.o2c.order.AutomationRules;
import dev.o2c.order.HoldReason;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.payment.Rule;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The customer account as the ledger of its invoices: an order's invoice issued in the same write
 * as the decision that got there (placement, approval or shipment), numbered per tenant series
 * and year, one per order; the invoice as the API reads it from the account, with what was
 * applied to it; invoicing that fails; credit notes, voids, cancellations, a chargeback after a
 * cancellation, dunning runs and their credit hold — replies, events, state, tags, recovery.
 */
class CustomerLedgerTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "CustomerLedgerTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final AccountSettings SETTINGS = AccountFixtures.settings();
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final LocalDate ISSUED = LocalDate.parse("2026-11-02");
  private static final LocalDate DUE = LocalDate.parse("2026-12-02");
  /** Payments of tenant "acme" with a tolerance of 1.00 EUR (what short payments may leave written off). */
  private static final PaymentSettings WITH_TOLERANCE = new PaymentSettings(
      Map.of("acme", new PaymentSettings.Tenant(Map.of("EUR", new BigDecimal("1.00")), null, true)),
      AccountFixtures.PAYMENTS.defaults(), 10_000, 8, 4, 100, Duration.ofSeconds(3));
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private final RecordingLedgerEffects effects = new RecordingLedgerEffects();

  private String entityId;
  private String customerId;
  private EventSourcedBehaviorTestKit<Command, Event, CustomerState> account;
  private JournalWrites writes;

  @BeforeEach
  void startAccount() {
    start("acme", AccountFixtures.PAYMENTS);
  }

  /** A new account of the tenant ("acme" invoices on verification, "shipco" on shipment). */
  private void start(String tenant, PaymentSettings payments) {
    customerId = "cust-" + IDS.incrementAndGet();
    entityId = tenant + ":" + customerId;
    // Commands, events and state must also come back from serialization equal to what went in.
    account = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        CustomerAccount.create(entityId,
            new CustomerAccount.Dependencies(clock, effects, SETTINGS, AccountFixtures.INVOICING, payments)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    writes = new JournalWrites("CustomerAccount|" + entityId);
    account.persistenceTestKit().withPolicy(writes);
  }

  @AfterEach
  void resetJournal() {
    account.persistenceTestKit().resetPolicy();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- An order's invoice -----------------------------------------------------------------------

  @Test
  void placing_a_verified_order_issues_its_invoice_in_the_same_write_as_the_order() {
    create();
    var later = clock.advance(Duration.ofMinutes(5));
    var request = twoLines("ord_1", later);

    var result = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var answer = assertInstanceOf(LedgerAnswer.Accepted.class, result.reply());
    assertEquals(OrderStatus.VERIFIED, answer.status());
    assertEquals("inv_1", answer.invoiceId());
    assertEquals("INV-2026-000001", answer.invoiceNumber());
    assertMoney("119.50", answer.grossTotal());
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(result.events()));
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(writes.writes.get(writes.writes.size() - 1)),
        "the order and its invoice in one write");
    var issued = assertInstanceOf(InvoiceIssued.class, result.events().get(1));
    assertEquals("inv_1", issued.invoiceId());
    assertEquals("INV-2026-000001", issued.invoiceNumber());
    assertEquals("ord_1", issued.orderId());
    assertEquals("PO-1", issued.externalReference());
    assertEquals("EUR", issued.currency());
    assertEquals(TWO_LINES, describe(issued.lines()));
    assertMoney("100.50", issued.subtotal());
    assertMoney("19.00", issued.tax());
    assertMoney("119.50", issued.total());
    assertEquals(ISSUED, issued.issuedOn());
    assertEquals(DUE, issued.dueOn());
    assertEquals(later, issued.at());
    var state = result.state();
    assertTrue(state.orders().isEmpty(), "an invoiced order holds no credit of its own");
    assertMoney("0", state.reserved());
    assertMoney("119.50", state.receivable());
    assertTrue(state.receivables().containsKey("inv_1"));
    assertTrue(state.unconfirmed().containsKey("ord_1"));
    var view = view();
    assertMoney("119.50", view.openReceivables());
    assertEquals(1, view.openInvoices());
    assertEquals(0, view.openOrders());
    assertMoney("119.50", view.creditUsed());
    assertMoney("880.50", view.availableCredit());
    assertMoney("119.50", view.balance());
    assertEquals(List.of("acme:INV:2026:1"), effects.numberCalls);
    assertEquals(List.of(result.events()), effects.written.subList(1, effects.written.size()), "the others are told of the write");
    assertRecoversToTheSameState();
  }

  @Test
  void the_invoice_view_shows_the_document_as_issued_with_nothing_applied() {
    create();
    var request = twoLines("ord_1", T0);
    account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var result = account.<InvoiceResult>runCommand(r -> new GetInvoice("inv_1", r));

    var view = assertInstanceOf(InvoiceResult.Ok.class, result.reply()).invoice();
    assertEquals("inv_1", view.invoiceId());
    assertEquals("INV-2026-000001", view.invoiceNumber());
    assertEquals("ord_1", view.orderId());
    assertEquals(customerId, view.customerId());
    assertEquals("PO-1", view.externalReference());
    assertEquals("EUR", view.currency());
    assertEquals(TWO_LINES, describe(view.lines()));
    assertEquals("100.50", view.subtotal().toPlainString());
    assertEquals("19.00", view.tax().toPlainString());
    assertEquals("119.50", view.total().toPlainString());
    assertEquals("0.00", view.amountPaid().toPlainString());
    assertEquals("0.00", view.amountCredited().toPlainString());
    assertEquals("0.00", view.amountWrittenOff().toPlainString());
    assertEquals("119.50", view.balance().toPlainString());
    assertEquals(ISSUED, view.issuedOn());
    assertEquals(DUE, view.dueOn());
    assertEquals(InvoiceStatus.ISSUED, view.status());
    assertEquals(DunningLevel.NONE, view.dunningLevel());
    assertEquals(List.of(), view.applications());
    assertEquals(T0, view.updatedAt());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void an_invoice_the_account_does_not_have_is_not_found() {
    var missingAccount = account.<InvoiceResult>runCommand(r -> new GetInvoice("inv_1", r));
    create();
    place("ord_1", "10.00", null);

    var unknown = account.<InvoiceResult>runCommand(r -> new GetInvoice("inv_9", r));

    assertEquals(Rejection.Kind.NOT_FOUND, assertInstanceOf(InvoiceResult.Failed.class, missingAccount.reply()).rejection().kind());
    assertEquals(Rejection.Kind.NOT_FOUND, assertInstanceOf(InvoiceResult.Failed.class, unknown.reply()).rejection().kind());
    assertTrue(unknown.hasNoEvents());
  }

  @Test
  void invoices_are_numbered_in_order_within_the_tenants_series_of_their_year() {
    create();

    var first = place("ord_1", "10.00", null);
    var second = place("ord_2", "10.00", null);
    var third = place("ord_3", "10.00", null);
    clock.set(Instant.parse("2027-01-04T08:00:00Z"));
    var nextYear = place("ord_4", "10.00", null);

    assertEquals("INV-2026-000001", invoiceNumber(first.reply()));
    assertEquals("INV-2026-000002", invoiceNumber(second.reply()));
    assertEquals("INV-2026-000003", invoiceNumber(third.reply()));
    assertEquals("INV-2027-000001", invoiceNumber(nextYear.reply()));
    assertEquals(List.of("acme:INV:2026:1", "acme:INV:2026:1", "acme:INV:2026:1", "acme:INV:2027:1"), effects.numberCalls);
    var view = invoice("inv_4");
    assertEquals(LocalDate.parse("2027-01-04"), view.issuedOn());
    assertEquals(LocalDate.parse("2027-02-03"), view.dueOn());
  }

  @Test
  void a_tenant_invoicing_on_shipment_invoices_an_order_when_it_ships_and_only_once() {
    start("shipco", AccountFixtures.PAYMENTS);
    create();
    var placed = place("ord_1", "100.00", "STANDARD");
    assertEquals(List.of(OrderAccepted.class), classes(placed.events()));
    assertMoney("119.00", placed.state().reserved());
    var later = clock.advance(Duration.ofDays(2));

    var shipped = change("ord_1", OrderLedger.Change.SHIP);
    var again = change("ord_1", OrderLedger.Change.SHIP);

    var answer = assertInstanceOf(LedgerAnswer.Accepted.class, shipped.reply());
    assertEquals(OrderStatus.SHIPPED, answer.status());
    assertEquals("inv_1", answer.invoiceId());
    assertEquals("SHP-2026-000001", answer.invoiceNumber());
    assertEquals(1, shipped.events().size(), shipped.events().toString());
    var issued = assertInstanceOf(InvoiceIssued.class, shipped.events().get(0));
    assertEquals("SHP-2026-000001", issued.invoiceNumber());
    assertEquals(ISSUED.plusDays(2), issued.issuedOn());
    assertEquals(DUE.plusDays(2), issued.dueOn());
    assertEquals(later, issued.at());
    assertMoney("0", shipped.state().reserved());
    assertMoney("119.00", shipped.state().receivable());
    assertMoney("119.00", shipped.state().creditUsed());
    assertEquals("inv_1", assertInstanceOf(LedgerAnswer.Accepted.class, again.reply()).invoiceId());
    assertTrue(again.hasNoEvents());
    assertEquals(1, invoicesIssuedFor("ord_1"));
    assertEquals(List.of("shipco:SHP:2026:1"), effects.numberCalls);
    assertRecoversToTheSameState();
  }

  @Test
  void approving_or_shipping_an_invoiced_order_issues_nothing() {
    create();
    place("ord_1", "100.00", null);
    var before = account.getState();

    var shipped = change("ord_1", OrderLedger.Change.SHIP);
    var approved = change("ord_1", OrderLedger.Change.APPROVE);

    assertEquals(OrderStatus.SHIPPED, assertInstanceOf(LedgerAnswer.Accepted.class, shipped.reply()).status());
    assertEquals("inv_1", assertInstanceOf(LedgerAnswer.Accepted.class, shipped.reply()).invoiceId());
    assertTrue(shipped.hasNoEvents());
    assertEquals(OrderStatus.VERIFIED, assertInstanceOf(LedgerAnswer.Accepted.class, approved.reply()).status());
    assertTrue(approved.hasNoEvents());
    assertEquals(before, account.getState());
    assertEquals(1, invoicesIssuedFor("ord_1"));
  }

  /**
   * A placement held while the tenant still taxed code LUXURY (at 10 %); the tenant's rates no
   * longer know it when the order is approved.
   */
  @Test
  void an_unknown_tax_code_at_approval_fails_invoicing_and_the_order_keeps_its_credit() throws Exception {
    var request = request("ord_1", order(customerId, "EUR", "PO-1", line(1, "SKU-L", 1, "100.00", "LUXURY")),
        heldByRule("LARGE_ORDER", "large-order"), T0);
    account.initialize(
        new Created(customerId, "Acme Retail GmbH", "ap@acme.example", "EUR", new BigDecimal("1000.00"), 30, "key-1", "hash", "alice", T0),
        new OrderAccepted(request, OrderStatus.ON_HOLD, request.rules().holds(), new BigDecimal("110.00"), T0));
    var later = clock.advance(Duration.ofHours(1));

    var approved = change("ord_1", OrderLedger.Change.APPROVE);

    var answer = assertInstanceOf(LedgerAnswer.Accepted.class, approved.reply());
    assertEquals(OrderStatus.VERIFIED, answer.status());
    assertNull(answer.invoiceId());
    assertEquals(2, approved.events().size(), approved.events().toString());
    assertEquals(new OrderApproved("ord_1", List.of(), "alice", later), approved.events().get(0));
    var failed = assertInstanceOf(InvoicingFailed.class, approved.events().get(1));
    assertEquals("ord_1", failed.orderId());
    assertTrue(failed.detail().contains("LUXURY"), failed.detail());
    assertEquals(later, failed.at());
    var state = approved.state();
    assertEquals(OrderStatus.VERIFIED, state.orders().get("ord_1").status());
    assertMoney("110.00", state.reserved());
    assertMoney("890.00", state.availableCredit());
    assertTrue(state.receivables().isEmpty());
    assertEquals(List.of(), effects.numberCalls, "no number taken for an invoice that could not be made");

    // Shipping tries again; the code is still unknown: the order still holds its credit.
    var shipped = change("ord_1", OrderLedger.Change.SHIP);

    assertEquals(OrderStatus.SHIPPED, assertInstanceOf(LedgerAnswer.Accepted.class, shipped.reply()).status());
    assertEquals(List.of(InvoicingFailed.class), classes(shipped.events()));
    assertMoney("110.00", shipped.state().reserved());
    assertEquals(0, invoicesIssuedFor("ord_1"));
    assertEquals(List.of(InvoicingFailed.class, InvoicingFailed.class), classes(eventsTagged(tag())), "failures raise alerts");
    assertRecoversToTheSameState();
  }

  @Test
  void unapplied_cash_pays_a_new_invoice_in_the_same_write_as_its_issue() {
    create();
    pay("pay_1", "50.00", null);

    var result = place("ord_1", "100.00", "STANDARD");

    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class, PaymentAllocated.class), classes(result.events()));
    assertEquals(classes(result.events()), classes(writes.writes.get(writes.writes.size() - 1)), "one write");
    var allocated = assertInstanceOf(PaymentAllocated.class, result.events().get(2));
    assertEquals("pay_1", allocated.paymentId());
    assertEquals(1, allocated.allocations().size());
    assertEquals("inv_1", allocated.allocations().get(0).invoiceId());
    assertEquals(Rule.ACCOUNT_CREDIT, allocated.allocations().get(0).rule());
    assertMoney("50.00", allocated.allocations().get(0).amount());
    assertMoney("0", result.state().unappliedCash());
    var view = invoice("inv_1");
    assertMoney("50.00", view.amountPaid());
    assertMoney("69.00", view.balance());
    assertEquals(InvoiceStatus.PARTIALLY_PAID, view.status());
    assertEquals(1, view.applications().size());
    var application = view.applications().get(0);
    assertEquals(Application.Kind.PAYMENT, application.kind());
    assertEquals("pay_1", application.reference());
    assertEquals("ACCOUNT_CREDIT", application.rule());
    assertMoney("50.00", application.amount());
  }

  @Test
  void account_credit_pays_the_next_invoice_in_the_same_write_as_its_issue() {
    create();
    place("ord_1", "100.00", "STANDARD");
    creditNote("inv_1", "cn_1", "150.00");
    assertMoney("31.00", account.getState().accountCredit());

    var result = place("ord_2", "50.00", null);

    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class, AccountCreditApplied.class), classes(result.events()));
    var applied = assertInstanceOf(AccountCreditApplied.class, result.events().get(2));
    assertEquals("inv_2", applied.invoiceId());
    assertEquals("INV-2026-000002", applied.invoiceNumber());
    assertMoney("31.00", applied.amount());
    assertMoney("0", result.state().accountCredit());
    var view = invoice("inv_2");
    assertMoney("31.00", view.amountCredited());
    assertMoney("19.00", view.balance());
    assertEquals(List.of(Application.Kind.CREDIT_NOTE), view.applications().stream().map(Application::kind).toList());
    assertRecoversToTheSameState();
  }

  // --- What is applied, recorded on the invoice ---------------------------------------------------

  @Test
  void credit_notes_payments_and_write_offs_are_recorded_on_the_invoice_as_they_are_applied() {
    start("acme", WITH_TOLERANCE);
    create();
    var request = twoLines("ord_1", T0);
    account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));
    var credited = clock.advance(Duration.ofHours(1));
    creditNote("inv_1", "cn_1", "19.50");

    var partly = invoice("inv_1");

    assertEquals(InvoiceStatus.PARTIALLY_PAID, partly.status());
    assertMoney("100.00", partly.balance());
    assertMoney("19.50", partly.amountCredited());
    assertEquals(credited, partly.updatedAt());

    var paid = clock.advance(Duration.ofHours(1));
    pay("pay_1", "99.50", "Invoice INV-2026-000001");

    var settled = invoice("inv_1");
    assertEquals(InvoiceStatus.PAID, settled.status());
    assertMoney("99.50", settled.amountPaid());
    assertMoney("19.50", settled.amountCredited());
    assertMoney("0.50", settled.amountWrittenOff());
    assertMoney("0", settled.balance());
    assertEquals(paid, settled.updatedAt());
    assertEquals(List.of("CREDIT_NOTE cn_1 19.50", "PAYMENT pay_1 99.50 REFERENCE", "WRITE_OFF pay_1 0.50 TOLERANCE"),
        settled.applications().stream().map(CustomerLedgerTest::describe).toList());
    assertTrue(account.getState().settled().containsKey("inv_1"));
    assertRecoversToTheSameState();
  }

  // --- IssueCreditNote ------------------------------------------------------------------------

  @Test
  void a_credit_note_is_persisted_and_answered_with_what_went_against_the_invoice() {
    create();
    place("ord_1", "100.00", "STANDARD");
    var later = clock.advance(Duration.ofHours(2));

    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("30.00"), "damaged", "alice", r));

    var reply = assertInstanceOf(LedgerResult.CreditNote.class, result.reply());
    assertFalse(reply.replayed());
    var note = reply.creditNote();
    assertEquals("cn_1", note.creditNoteId());
    assertEquals("inv_1", note.invoiceId());
    assertMoney("30.00", note.amount());
    assertMoney("30.00", note.appliedToInvoice());
    assertMoney("0", note.toAccountCredit());
    assertEquals("damaged", note.reason());
    assertEquals("alice", note.by());
    assertEquals(later, note.at());
    assertEquals(1, result.events().size());
    var event = assertInstanceOf(CreditNoteIssued.class, result.events().get(0));
    assertEquals("cn_1", event.creditNoteId());
    assertMoney("30.00", event.appliedToInvoice());
    assertMoney("89.00", result.state().receivables().get("inv_1").balance());
    assertMoney("89.00", view().openReceivables());
    assertRecoversToTheSameState();
  }

  @Test
  void a_credit_note_above_the_balance_settles_the_invoice_and_leaves_account_credit() {
    create();
    place("ord_1", "100.00", "STANDARD");

    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("150.00"), "goodwill", "alice", r));

    var note = assertInstanceOf(LedgerResult.CreditNote.class, result.reply()).creditNote();
    assertMoney("119.00", note.appliedToInvoice());
    assertMoney("31.00", note.toAccountCredit());
    var view = view();
    assertEquals(0, view.openInvoices());
    assertMoney("0", view.openReceivables());
    assertMoney("31.00", view.accountCredit());
    assertMoney("-31.00", view.balance());
    assertEquals(InvoiceStatus.PAID, invoice("inv_1").status());
    assertRecoversToTheSameState();
  }

  @Test
  void issuing_the_same_credit_note_again_answers_it_as_replayed_without_an_event() {
    create();
    place("ord_1", "100.00", "STANDARD");
    var first = creditNote("inv_1", "cn_1", "30.00");
    clock.advance(Duration.ofHours(1));

    // The same amount written differently.
    var retry = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("30"), "damaged", "alice", r));

    var reply = assertInstanceOf(LedgerResult.CreditNote.class, retry.reply());
    assertTrue(reply.replayed());
    assertEquals(first.creditNote(), reply.creditNote());
    assertTrue(retry.hasNoEvents());
    assertMoney("89.00", retry.state().receivables().get("inv_1").balance());
  }

  @Test
  void the_same_credit_note_id_with_another_amount_or_invoice_is_refused_as_key_reused() {
    create();
    place("ord_1", "100.00", "STANDARD");
    place("ord_2", "50.00", null);
    creditNote("inv_1", "cn_1", "30.00");
    var before = account.getState();

    var otherAmount = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("31.00"), "damaged", "alice", r));
    var otherInvoice = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_2", "cn_1", new BigDecimal("30.00"), "damaged", "alice", r));

    assertRejected(Rejection.Kind.KEY_REUSED, otherAmount.reply());
    assertTrue(otherAmount.hasNoEvents());
    assertRejected(Rejection.Kind.KEY_REUSED, otherInvoice.reply());
    assertTrue(otherInvoice.hasNoEvents());
    assertEquals(before, account.getState());
  }

  @Test
  void a_credit_note_on_an_invoice_the_account_does_not_have_is_unavailable() {
    create();
    place("ord_1", "900.00", "STANDARD"); // held: no invoice

    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("10.00"), "damaged", "alice", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertTrue(result.hasNoEvents());
    assertTrue(result.state().creditNotes().isEmpty());
  }

  @Test
  void a_credit_note_on_a_missing_account_is_not_found() {
    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("10.00"), "damaged", "alice", r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void a_void_invoice_cannot_be_credited() {
    create();
    place("ord_1", "100.00", "STANDARD");
    voidInvoice("inv_1", "duplicate", "bob");

    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("10.00"), "damaged", "alice", r));

    var failed = assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, result.reply());
    assertEquals(Map.of("currentStatus", "VOID"), failed.rejection().details());
    assertTrue(result.hasNoEvents());
    assertMoney("0", result.state().accountCredit());
  }

  // --- VoidInvoice ----------------------------------------------------------------------------

  @Test
  void voiding_an_untouched_invoice_persists_the_void_and_closes_the_receivable() {
    create();
    place("ord_1", "100.00", "STANDARD");
    place("ord_2", "20.00", null);
    var later = clock.advance(Duration.ofHours(3));

    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "duplicate", "bob", r));

    assertEquals(new LedgerResult.Voided("inv_1", "duplicate", "bob", later), result.reply());
    assertEquals(List.of(new InvoiceVoided("inv_1", "duplicate", "bob", later)), result.events());
    assertTrue(result.state().settled().get("inv_1").voided());
    var view = view();
    assertEquals(1, view.openInvoices());
    assertMoney("20.00", view.creditUsed());
    var voided = invoice("inv_1");
    assertEquals(InvoiceStatus.VOID, voided.status());
    assertMoney("0", voided.balance());
    assertMoney("119.00", voided.total());
    assertEquals(later, voided.updatedAt());
    assertRecoversToTheSameState();
  }

  @Test
  void voiding_a_credited_invoice_is_an_illegal_transition_from_partially_paid() {
    create();
    place("ord_1", "100.00", "STANDARD");
    creditNote("inv_1", "cn_1", "10.00");
    var before = account.getState();

    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "duplicate", "bob", r));

    var failed = assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, result.reply());
    assertEquals(Map.of("currentStatus", "PARTIALLY_PAID"), failed.rejection().details());
    assertTrue(result.hasNoEvents());
    assertEquals(before, account.getState());
  }

  @Test
  void voiding_an_invoice_credited_in_full_is_an_illegal_transition_from_paid() {
    create();
    place("ord_1", "100.00", "STANDARD");
    creditNote("inv_1", "cn_1", "119.00");

    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "duplicate", "bob", r));

    var failed = assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, result.reply());
    assertEquals(Map.of("currentStatus", "PAID"), failed.rejection().details());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void voiding_again_answers_the_original_void_not_the_retry() {
    create();
    place("ord_1", "100.00", "STANDARD");
    var voidedAt = clock.advance(Duration.ofHours(1));
    voidInvoice("inv_1", "duplicate", "bob");
    clock.advance(Duration.ofHours(1));
    place("ord_2", "50.00", null);

    var again = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "entered twice", "carol", r));

    assertEquals(new LedgerResult.Voided("inv_1", "duplicate", "bob", voidedAt), again.reply());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void voiding_an_invoice_the_account_does_not_have_is_unavailable() {
    create();

    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_9", "duplicate", "bob", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertTrue(result.hasNoEvents());
  }

  // --- Cancelling an invoiced order -------------------------------------------------------------

  @Test
  void cancelling_the_order_of_a_credited_invoice_issues_the_cancellation_credit_note_once() {
    create();
    place("ord_1", "100.00", "STANDARD");
    creditNote("inv_1", "cn_1", "30.00");

    var result = change("ord_1", OrderLedger.Change.CANCEL);
    var again = change("ord_1", OrderLedger.Change.CANCEL);

    assertEquals(OrderStatus.CANCELLED, assertInstanceOf(LedgerAnswer.Accepted.class, result.reply()).status());
    assertEquals(1, result.events().size());
    var note = assertInstanceOf(CreditNoteIssued.class, result.events().get(0));
    assertEquals("cn_cancel_inv_1", note.creditNoteId());
    assertEquals("order cancelled", note.reason());
    assertMoney("89.00", note.amount());
    assertMoney("89.00", note.appliedToInvoice());
    assertEquals(0, view().openInvoices());
    assertTrue(account.getState().settled().get("inv_1").cancelled());
    assertEquals(OrderStatus.CANCELLED, assertInstanceOf(LedgerAnswer.Accepted.class, again.reply()).status());
    assertTrue(again.hasNoEvents());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_the_order_of_a_credited_invoice_leaves_no_account_credit_when_nothing_was_paid() {
    create();
    place("ord_1", "100.00", "STANDARD");
    creditNote("inv_1", "cn_1", "30.00");

    change("ord_1", OrderLedger.Change.CANCEL);

    var view = view();
    assertMoney("0", view.accountCredit());
    assertMoney("0", view.balance());
  }

  @Test
  void cancelling_the_order_of_a_partly_paid_invoice_credits_it_in_full_and_what_was_paid_becomes_account_credit() {
    create();
    place("ord_1", "100.00", "STANDARD");
    pay("pay_1", "50.00", "INV-2026-000001");

    var result = change("ord_1", OrderLedger.Change.CANCEL);

    var note = assertInstanceOf(CreditNoteIssued.class, result.events().get(0));
    assertMoney("119.00", note.amount());
    assertMoney("69.00", note.appliedToInvoice());
    assertMoney("50.00", note.toAccountCredit());
    var state = result.state();
    assertMoney("50.00", state.accountCredit());
    assertMoney("0", state.receivable());
    var invoice = state.settled().get("inv_1");
    assertTrue(invoice.cancelled());
    assertMoney("50.00", invoice.paid());
    assertMoney("69.00", invoice.credited());
    assertMoney("-50.00", view().balance());
  }

  // --- A chargeback after a cancellation -------------------------------------------------------------

  @Test
  void a_chargeback_of_a_payment_whose_order_was_cancelled_takes_back_the_account_credit_and_leaves_the_invoice_settled() {
    create();
    place("ord_1", "100.00", "STANDARD");
    pay("pay_1", "119.00", "INV-2026-000001");
    change("ord_1", OrderLedger.Change.CANCEL);
    assertMoney("119.00", account.getState().accountCredit());
    var later = clock.advance(Duration.ofDays(3));

    var result = account.<PaymentLedgerResult>runCommand(r -> new ReversePayment("pay_1", "chargeback", "bob", r));

    var payment = assertInstanceOf(PaymentLedgerResult.Ok.class, result.reply()).payment();
    assertTrue(payment.reversed());
    assertEquals(1, result.events().size());
    var reversed = assertInstanceOf(PaymentReversed.class, result.events().get(0));
    assertEquals(List.of(), reversed.undone(), "nothing goes back onto the invoice");
    assertEquals(1, reversed.creditTakenBack().size());
    assertEquals("inv_1", reversed.creditTakenBack().get(0).invoiceId());
    assertMoney("119.00", reversed.creditTakenBack().get(0).amount());
    assertEquals("chargeback", reversed.reason());
    assertEquals(later, reversed.at());
    var state = result.state();
    assertMoney("0", state.accountCredit());
    assertMoney("0", state.receivable());
    assertMoney("0", state.balance());
    assertFalse(state.receivables().containsKey("inv_1"), "never reopened");
    var view = invoice("inv_1");
    assertEquals(InvoiceStatus.PAID, view.status());
    assertMoney("0", view.balance());
    assertMoney("0", view.amountPaid());
    assertMoney("119.00", view.amountCredited());
    // The cancellation's credit note went wholly to the customer's good (nothing was owed): not on the invoice.
    assertEquals(List.of("PAYMENT pay_1 119.00 REFERENCE", "PAYMENT pay_1 -119.00 REVERSED", "CREDIT_NOTE pay_1 119.00 REVERSED"),
        view.applications().stream().map(CustomerLedgerTest::describe).toList());
    var dunning = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(60), r));
    assertEquals(new DunningRun(0, null), dunning.reply(), "never dunned");
    assertTrue(dunning.hasNoEvents());
    assertRecoversToTheSameState();
  }

  /**
   * 118.50 paid on an invoice of 119.00 with the 0.50 left written off (tolerance); the order is
   * cancelled (118.50 to the customer's good); the payment is charged back. The customer owes
   * nothing, and the invoice of the cancelled order must stay settled.
   */
  @Test
  void an_allocation_to_the_invoice_of_a_cancelled_order_cannot_be_taken_back_and_nothing_is_persisted() {
    create();
    place("ord_1", "100.00", "STANDARD");
    pay("pay_1", "119.00", "INV-2026-000001");
    change("ord_1", OrderLedger.Change.CANCEL);
    var before = account.getState();

    var result = account.<PaymentLedgerResult>runCommand(r -> new UnallocatePayment("pay_1", "inv_1", "bob", r));

    var failed = assertInstanceOf(PaymentLedgerResult.Failed.class, result.reply());
    assertEquals(Rejection.Kind.ILLEGAL_TRANSITION, failed.rejection().kind());
    assertEquals("PAID", failed.rejection().details().get("currentStatus"));
    assertTrue(result.hasNoEvents(), "nothing persisted");
    assertEquals(before, result.state());
    assertFalse(result.state().receivables().containsKey("inv_1"), "the cancelled order's invoice stays settled");
  }

  @Test
  void a_chargeback_of_a_short_payment_whose_order_was_cancelled_leaves_the_invoice_settled() {
    start("acme", WITH_TOLERANCE);
    create();
    place("ord_1", "100.00", "STANDARD");
    pay("pay_1", "118.50", "INV-2026-000001");
    assertMoney("0.50", invoice("inv_1").amountWrittenOff());
    change("ord_1", OrderLedger.Change.CANCEL);
    assertMoney("118.50", account.getState().accountCredit());

    var result = account.<PaymentLedgerResult>runCommand(r -> new ReversePayment("pay_1", "chargeback", "bob", r));

    var state = result.state();
    assertFalse(state.receivables().containsKey("inv_1"), "the cancelled order's invoice is not reopened");
    assertMoney("0", state.receivable());
    assertMoney("0", state.accountCredit());
    assertMoney("0", state.balance());
    assertEquals(InvoiceStatus.PAID, invoice("inv_1").status());
  }

  /**
   * 119.00 paid on ord_1's invoice; ord_1 cancelled (119.00 to the customer's good); that credit
   * pays ord_2's invoice; then the payment is charged back. The customer owes 119.00 again, and
   * what is owed must be where dunning and the credit check see it.
   */
  @Test
  void a_chargeback_after_the_cancelled_orders_credit_paid_another_invoice_leaves_the_debt_where_it_counts() {
    create();
    place("ord_1", "100.00", "STANDARD");
    pay("pay_1", "119.00", "INV-2026-000001");
    change("ord_1", OrderLedger.Change.CANCEL);
    place("ord_2", "100.00", "STANDARD");
    assertMoney("0", account.getState().accountCredit());
    assertEquals(InvoiceStatus.PAID, invoice("inv_2").status(), "paid from the cancelled order's credit");

    var result = account.<PaymentLedgerResult>runCommand(r -> new ReversePayment("pay_1", "chargeback", "bob", r));

    var state = result.state();
    assertMoney("119.00", state.balance());
    assertTrue(state.accountCredit().signum() >= 0, "account credit is never negative: " + state.accountCredit());
    assertMoney("119.00", state.creditUsed());
  }

  // --- RunDunning -----------------------------------------------------------------------------

  @Test
  void a_dunning_run_takes_the_steps_reached_and_answers_how_many_and_the_next_day() {
    create();
    place("ord_1", "100.00", "STANDARD");
    var later = clock.advance(Duration.ofDays(40));

    var result = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(20), r));

    assertEquals(new DunningRun(2, DUE.plusDays(30)), result.reply());
    assertEquals(List.of(
        new DunningLevelRaised("inv_1", "INV-2026-000001", DunningLevel.REMINDER, 20, false, later),
        new DunningLevelRaised("inv_1", "INV-2026-000001", DunningLevel.SECOND_NOTICE, 20, false, later)), result.events());
    assertEquals(DunningLevel.SECOND_NOTICE, result.state().receivables().get("inv_1").dunningLevel());
    assertEquals(DunningLevel.SECOND_NOTICE, invoice("inv_1").dunningLevel());
    assertRecoversToTheSameState();
  }

  @Test
  void a_second_dunning_run_on_the_same_day_takes_no_step() {
    create();
    place("ord_1", "100.00", "STANDARD");
    dunning(DUE.plusDays(1));

    var again = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(1), r));

    assertEquals(new DunningRun(0, DUE.plusDays(15)), again.reply());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void a_dunning_run_before_anything_is_due_answers_the_first_step_day() {
    create();
    place("ord_1", "100.00", "STANDARD");

    var result = account.<DunningRun>runCommand(r -> new RunDunning(ISSUED, r));

    assertEquals(new DunningRun(0, DUE.plusDays(1)), result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void a_dunning_run_without_open_invoices_or_account_answers_no_next_day() {
    var missing = account.<DunningRun>runCommand(r -> new RunDunning(DUE, r));
    create();
    place("ord_1", "100.00", "STANDARD");
    creditNote("inv_1", "cn_1", "119.00");
    place("ord_2", "900.00", "STANDARD"); // held: no invoice to dun

    var settled = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(40), r));

    assertEquals(new DunningRun(0, null), missing.reply());
    assertTrue(missing.hasNoEvents());
    assertEquals(new DunningRun(0, null), settled.reply());
    assertTrue(settled.hasNoEvents());
  }

  @Test
  void settling_an_invoice_resets_its_dunning_level() {
    create();
    place("ord_1", "100.00", "STANDARD");
    dunning(DUE.plusDays(20));
    creditNote("inv_1", "cn_1", "19.00");

    var partly = invoice("inv_1");
    creditNote("inv_1", "cn_2", "100.00");
    var settled = invoice("inv_1");

    assertEquals(DunningLevel.SECOND_NOTICE, partly.dunningLevel());
    assertEquals(DunningLevel.NONE, settled.dunningLevel());
    assertEquals(InvoiceStatus.PAID, settled.status());
  }

  @Test
  void the_final_notice_holds_new_orders_until_the_invoice_is_credited_to_zero() {
    create();
    place("ord_1", "100.00", "STANDARD");
    var active = view();
    assertEquals(CustomerStatus.ACTIVE, active.status());
    assertFalse(active.dunningHold());

    var run = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(30), r));

    assertEquals(new DunningRun(3, null), run.reply());
    var finalNotice = assertInstanceOf(DunningLevelRaised.class, run.events().get(2));
    assertEquals(DunningLevel.FINAL_NOTICE, finalNotice.level());
    assertTrue(finalNotice.creditHold());
    var held = view();
    assertEquals(CustomerStatus.CREDIT_HOLD, held.status());
    assertTrue(held.dunningHold());
    assertEquals(CustomerStatus.ACTIVE, account.getState().status(), "the account's own status is unchanged");

    var refused = place("ord_2", "10.00", null);
    var answer = assertInstanceOf(LedgerAnswer.Accepted.class, refused.reply());
    assertEquals(OrderStatus.ON_HOLD, answer.status());
    assertEquals(List.of("CUSTOMER_CREDIT_HOLD"), answer.holdReasons().stream().map(HoldReason::code).toList());
    assertEquals(List.of(OrderAccepted.class), classes(refused.events()), "held: no invoice");

    var partly = creditNote("inv_1", "cn_1", "100.00");
    assertMoney("100.00", partly.creditNote().appliedToInvoice());
    assertTrue(view().dunningHold(), "still held while something is owed");

    creditNote("inv_1", "cn_2", "19.00");

    var lifted = view();
    assertEquals(CustomerStatus.ACTIVE, lifted.status());
    assertFalse(lifted.dunningHold());
    var taken = place("ord_3", "10.00", null);
    assertEquals(OrderStatus.VERIFIED, assertInstanceOf(LedgerAnswer.Accepted.class, taken.reply()).status());
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(taken.events()));
    assertRecoversToTheSameState();
  }

  @Test
  void an_approval_overrides_a_dunning_hold_and_records_the_hold_it_overrode() {
    create();
    place("ord_1", "100.00", "STANDARD");
    dunning(DUE.plusDays(30));
    place("ord_2", "10.00", null);

    var result = change("ord_2", OrderLedger.Change.APPROVE);

    var answer = assertInstanceOf(LedgerAnswer.Accepted.class, result.reply());
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), answer.overridden());
    assertEquals("inv_2", answer.invoiceId());
    assertEquals(List.of(OrderApproved.class, InvoiceIssued.class), classes(result.events()));
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), ((OrderApproved) result.events().get(0)).overridden());
  }

  // --- Tags and recovery ----------------------------------------------------------------------

  @Test
  void ledger_events_and_held_orders_are_tagged_with_the_accounts_bucket_and_order_credit_is_not() throws Exception {
    create();
    place("ord_1", "100.00", "STANDARD");
    place("ord_2", "50.00", null);
    place("ord_3", "900.00", "STANDARD"); // held
    change("ord_3", OrderLedger.Change.REJECT);
    var alerted = request("ord_4", order(customerId, "EUR", null, line(1, "GIFT-CARD", 1, "10.00", null)),
        alerted("gift-cards", "check for fraud"), T0);
    account.<LedgerAnswer>runCommand(r -> new PlaceOrder(alerted, r));
    creditNote("inv_1", "cn_1", "19.00");
    voidInvoice("inv_2", "duplicate", "bob");
    dunning(DUE.plusDays(1));
    account.runCommand(new PlacementRecorded("ord_1"));
    place("ord_5", "900.00", "STANDARD"); // held, and confirms ord_1

    var tagged = eventsTagged(tag());

    assertEquals(List.of(InvoiceIssued.class, InvoiceIssued.class, OrderAccepted.class, OrderAccepted.class, InvoiceIssued.class,
        CreditNoteIssued.class, InvoiceVoided.class, DunningLevelRaised.class, DunningLevelRaised.class, OrderAccepted.class),
        classes(tagged));
    assertEquals("ord_3", ((OrderAccepted) tagged.get(2)).request().orderId(), "a held order is read (payments may name it)");
    assertEquals("ord_4", ((OrderAccepted) tagged.get(3)).request().orderId(), "an order that raised a rule alert is read");
    assertEquals("ord_5", ((OrderAccepted) tagged.get(9)).request().orderId(), "a held order is read");
    for (int bucket = 0; bucket < SETTINGS.tagBuckets(); bucket++) {
      var other = "account-" + bucket;
      if (!other.equals(tag())) {
        assertEquals(List.of(), eventsTagged(other), "events under " + other);
      }
    }
    var untagged = journal().stream().filter(e -> !tagged.contains(e)).toList();
    assertEquals(List.of(Created.class, OrderAccepted.class, OrderAccepted.class, OrderClosed.class, PlacementsConfirmed.class),
        classes(untagged));
  }

  @Test
  void a_ledger_with_every_kind_of_event_recovers_to_the_same_state() {
    create();
    place("ord_1", "100.00", "STANDARD");
    place("ord_2", "50.00", null);
    place("ord_3", "30.00", null);
    place("ord_4", "900.00", "STANDARD"); // held
    change("ord_4", OrderLedger.Change.APPROVE);
    creditNote("inv_1", "cn_1", "19.00");
    creditNote("inv_2", "cn_2", "80.00");
    pay("pay_1", "20.00", "INV-2026-000003");
    change("ord_3", OrderLedger.Change.CANCEL);
    dunning(DUE.plusDays(16));
    account.runCommand(new PlacementRecorded("ord_1"));
    place("ord_5", "1.00", null); // held: the approval of ord_4 went beyond the limit
    var before = account.getState();

    var after = account.restart().state();

    assertEquals(before, after);
    // inv_1 100.00 and inv_4 1071.00 open; 30.00 of cn_2 and the 20.00 paid on the cancelled ord_3 to the customer's good.
    assertMoney("1171.00", after.receivable());
    assertMoney("50.00", after.accountCredit());
    assertMoney("0", after.reserved());
    assertEquals(OrderStatus.ON_HOLD, after.orders().get("ord_5").status());
    assertTrue(after.settled().get("inv_3").cancelled());
    assertEquals(DunningLevel.SECOND_NOTICE, after.receivables().get("inv_1").dunningLevel());
    assertFalse(after.unconfirmed().containsKey("ord_1"));
  }

  // --- Helpers --------------------------------------------------------------------------------

  /** The invoice lines of {@link #twoLines}, as {@link #describe(List)} writes them. */
  private static final List<String> TWO_LINES = List.of(
      "1 SKU-A 2 x 50.00 = 100.00 STANDARD 19% 19.00 -> 119.00",
      "2 SKU-B 1 x 0.50 = 0.50 null 0% 0.00 -> 0.50");

  /** 2 x SKU-A at 50.00 taxed STANDARD (19 %) and 1 x SKU-B at 0.50 without a tax code: 100.50 + 19.00 = 119.50. */
  private PlacementRequest twoLines(String orderId, Instant at) {
    return request(orderId, order(customerId, "EUR", "PO-1", line(1, "SKU-A", 2, "50.00", "STANDARD"), line(2, "SKU-B", 1, "0.50", null)),
        AutomationRules.Outcome.NONE, at);
  }

  private static List<String> describe(List<InvoiceLine> lines) {
    return lines.stream().map(l -> l.lineNumber() + " " + l.sku() + " " + l.quantity() + " x " + l.unitPrice().toPlainString() + " = "
        + l.net().toPlainString() + " " + l.taxCode() + " " + l.taxPercent().stripTrailingZeros().toPlainString() + "% "
        + l.tax().toPlainString() + " -> " + l.gross().toPlainString()).toList();
  }

  private static String describe(Application a) {
    return a.kind() + " " + a.reference() + " " + a.amount().toPlainString() + (a.rule() == null ? "" : " " + a.rule());
  }

  private void create() {
    var result = account.<CustomerResult>runCommand(r -> new Create(
        new NewCustomer(customerId, "Acme Retail GmbH", "ap@acme.example", "EUR", new BigDecimal("1000.00"), 30), "key-1", "alice", r));
    assertInstanceOf(CustomerResult.Ok.class, result.reply());
  }

  /** Places an order of one line of {@code net} EUR (taxed by the code) at the clock's time. */
  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, CustomerState, LedgerAnswer> place(
      String orderId, String net, String taxCode) {
    var request = request(orderId, customerId, net, taxCode, clock.now());
    var result = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));
    assertInstanceOf(LedgerAnswer.Accepted.class, result.reply());
    return result;
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, CustomerState, LedgerAnswer> change(
      String orderId, OrderLedger.Change change) {
    return account.runCommand(r -> new ChangeOrder(orderId, change, "because", "alice", r));
  }

  private void pay(String paymentId, String amount, String remittance) {
    var result = account.<PaymentLedgerResult>runCommand(r -> new ApplyPayment(paymentId, new BigDecimal(amount), "EUR",
        clock.today(), remittance, null, r));
    assertInstanceOf(PaymentLedgerResult.Ok.class, result.reply());
  }

  private LedgerResult.CreditNote creditNote(String invoiceId, String creditNoteId, String amount) {
    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote(invoiceId, creditNoteId, new BigDecimal(amount), "damaged", "alice", r));
    return assertInstanceOf(LedgerResult.CreditNote.class, result.reply());
  }

  private void voidInvoice(String invoiceId, String reason, String by) {
    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice(invoiceId, reason, by, r));
    assertInstanceOf(LedgerResult.Voided.class, result.reply());
    assertEquals(1, result.events().size());
  }

  private void dunning(LocalDate today) {
    var result = account.<DunningRun>runCommand(r -> new RunDunning(today, r));
    assertTrue(result.reply().stepsTaken() > 0);
  }

  private CustomerView view() {
    var result = account.<CustomerResult>runCommand(Get::new);
    assertTrue(result.hasNoEvents());
    return assertInstanceOf(CustomerResult.Ok.class, result.reply()).customer();
  }

  private InvoiceView invoice(String invoiceId) {
    var result = account.<InvoiceResult>runCommand(r -> new GetInvoice(invoiceId, r));
    assertTrue(result.hasNoEvents());
    return assertInstanceOf(InvoiceResult.Ok.class, result.reply()).invoice();
  }

  private static String invoiceNumber(LedgerAnswer answer) {
    return assertInstanceOf(LedgerAnswer.Accepted.class, answer).invoiceNumber();
  }

  private long invoicesIssuedFor(String orderId) {
    return journal().stream().filter(e -> e instanceof InvoiceIssued i && i.orderId().equals(orderId)).count();
  }

  private static List<Class<?>> classes(List<?> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  private String tag() {
    return "account-" + Math.floorMod(entityId.hashCode(), SETTINGS.tagBuckets());
  }

  private List<Object> journal() {
    return account.persistenceTestKit().persistedInStorage("CustomerAccount|" + entityId);
  }

  private List<Object> eventsTagged(String tag) throws Exception {
    var queries = PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    return queries.currentEventsByTag(tag, NoOffset.getInstance())
        .filter(envelope -> envelope.persistenceId().equals("CustomerAccount|" + entityId))
        .map(EventEnvelope::event)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void assertRecoversToTheSameState() {
    var before = account.getState();
    var after = account.restart().state();
    assertEquals(before, after);
  }

  private static LedgerResult.Failed assertRejected(Rejection.Kind kind, LedgerResult result) {
    var failed = assertInstanceOf(LedgerResult.Failed.class, result);
    assertEquals(kind, failed.rejection().kind(), failed.rejection().detail());
    return failed;
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }
}
