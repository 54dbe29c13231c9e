package dev.o2c.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.Invoice.Applied;
import dev.o2c.invoice.Invoice.Command;
import dev.o2c.invoice.Invoice.DunningRaised;
import dev.o2c.invoice.Invoice.Event;
import dev.o2c.invoice.Invoice.Get;
import dev.o2c.invoice.Invoice.Issue;
import dev.o2c.invoice.Invoice.Issued;
import dev.o2c.invoice.Invoice.RecordApplication;
import dev.o2c.invoice.Invoice.RecordDunning;
import dev.o2c.invoice.Invoice.RecordVoid;
import dev.o2c.invoice.Invoice.Voided;
import dev.o2c.order.OrderLine;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The invoice entity with invoice numbers it waits for: issue (once, while numbering is in
 * flight, after a numbering failure), applications, void and dunning as the ledger records them,
 * tags and recovery.
 */
class InvoiceTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "InvoiceTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final LocalDate ISSUED = LocalDate.parse("2026-11-02");
  private static final TaxRates RATES = new TaxRates(BigDecimal.ZERO, Map.of("STANDARD", new BigDecimal("19")));
  private static final InvoicingSettings.Tenant ACME = new InvoicingSettings.Tenant(
      InvoicingSettings.InvoiceOn.VERIFIED, "ACM", RATES, List.of(
          new InvoicingSettings.Step(1, DunningLevel.REMINDER, false),
          new InvoicingSettings.Step(15, DunningLevel.SECOND_NOTICE, false),
          new InvoicingSettings.Step(30, DunningLevel.FINAL_NOTICE, true)));
  private static final InvoicingSettings SETTINGS = new InvoicingSettings(
      Map.of("acme", ACME), ACME, 50, 100, 4, Duration.ofMinutes(1), LocalDate.parse("2026-11-01"));
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private final FakeNumbers numbers = new FakeNumbers();
  private String orderId;
  private String invoiceId;
  private String entityId;
  private InvoiceDraft draft;
  private EventSourcedBehaviorTestKit<Command, Event, InvoiceState> invoice;

  @BeforeEach
  void startInvoice() {
    orderId = "ord_" + IDS.incrementAndGet();
    invoiceId = Invoice.idFor(orderId);
    entityId = "acme:" + invoiceId;
    draft = InvoiceDraft.of(orderId, "cust-1", "PO-1", "EUR", List.of(
        new OrderLine(1, "SKU-A", 2, new BigDecimal("50.00"), new BigDecimal("100.00"), "STANDARD"),
        new OrderLine(2, "SKU-B", 1, new BigDecimal("0.50"), new BigDecimal("0.50"), null)), RATES, ISSUED, 30);
    // Commands, events and state must also come back from serialization equal to what went in.
    invoice = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        Invoice.create(entityId, new Invoice.Dependencies(clock, numbers, SETTINGS)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- Issue ----------------------------------------------------------------------------------

  @Test
  void the_invoice_id_of_an_order_is_made_from_the_orders_id() {
    assertEquals("inv_123", Invoice.idFor("ord_123"));
    assertEquals("inv_x-9", Invoice.idFor("x-9"));
  }

  @Test
  void issuing_persists_the_invoice_with_the_allocated_number_and_answers_it_open_for_its_total() {
    numbers.answer(CompletableFuture.completedFuture("ACM-2026-000042"));

    var result = invoice.<InvoiceResult>runCommand(r -> new Issue(draft, r));

    var view = okView(result.reply());
    assertEquals(invoiceId, view.invoiceId());
    assertEquals("ACM-2026-000042", view.invoiceNumber());
    assertEquals(orderId, view.orderId());
    assertEquals("cust-1", view.customerId());
    assertEquals("PO-1", view.externalReference());
    assertEquals("EUR", view.currency());
    assertEquals(draft.lines(), view.lines());
    assertEquals("100.50", view.subtotal().toPlainString());
    assertEquals("19.00", view.tax().toPlainString());
    assertEquals("119.50", view.total().toPlainString());
    assertEquals("119.50", view.balance().toPlainString());
    assertEquals("0.00", view.amountPaid().toPlainString());
    assertEquals("0.00", view.amountCredited().toPlainString());
    assertEquals("0.00", view.amountWrittenOff().toPlainString());
    assertEquals(ISSUED, view.issuedOn());
    assertEquals(ISSUED.plusDays(30), view.dueOn());
    assertEquals(InvoiceStatus.ISSUED, view.status());
    assertEquals(DunningLevel.NONE, view.dunningLevel());
    assertEquals(List.of(), view.applications());
    assertEquals(T0, view.updatedAt());
    assertEquals(List.of(new Issued(invoiceId, "ACM-2026-000042", orderId, "cust-1", "PO-1", "EUR", draft.lines(),
        draft.subtotal(), draft.tax(), draft.total(), ISSUED, ISSUED.plusDays(30), T0)), result.events());
    assertEquals(List.of("acme:ACM:2026"), numbers.calls, "the tenant's prefix and the year of the issue date");
    assertTrue(result.state().exists());
    assertRecoversToTheSameState();
  }

  @Test
  void issuing_again_answers_the_same_invoice_without_an_event_or_a_new_number() {
    issue("ACM-2026-000001");
    clock.advance(Duration.ofHours(1));

    var again = invoice.<InvoiceResult>runCommand(r -> new Issue(draft, r));

    var view = okView(again.reply());
    assertEquals("ACM-2026-000001", view.invoiceNumber());
    assertEquals(T0, view.updatedAt());
    assertTrue(again.hasNoEvents());
    assertEquals(1, numbers.calls.size(), "numbers asked once");
  }

  @Test
  void issuing_again_after_a_restart_answers_the_same_invoice_without_a_new_number() {
    issue("ACM-2026-000001");
    invoice.restart();

    var again = invoice.<InvoiceResult>runCommand(r -> new Issue(draft, r));

    assertEquals("ACM-2026-000001", okView(again.reply()).invoiceNumber());
    assertTrue(again.hasNoEvents());
    assertEquals(1, numbers.calls.size());
  }

  @Test
  void an_issue_while_the_number_is_in_flight_waits_and_gets_the_same_invoice() {
    var number = new CompletableFuture<String>();
    numbers.answer(number);
    var first = testKit.<InvoiceResult>createTestProbe();
    var second = testKit.<InvoiceResult>createTestProbe();

    var firstResult = invoice.runCommand(new Issue(draft, first.ref()));
    var secondResult = invoice.runCommand(new Issue(draft, second.ref()));

    assertTrue(firstResult.hasNoEvents());
    assertTrue(secondResult.hasNoEvents());
    first.expectNoMessage(Duration.ofMillis(200));
    second.expectNoMessage(Duration.ofMillis(50));
    assertEquals(1, numbers.calls.size(), "one number asked for");

    number.complete("ACM-2026-000007");

    var firstView = okView(first.receiveMessage());
    var secondView = okView(second.receiveMessage());
    assertEquals("ACM-2026-000007", firstView.invoiceNumber());
    assertEquals(firstView, secondView);
    assertEquals(1, journal().size(), "one Issued event");
    assertEquals(1, numbers.calls.size());
    assertRecoversToTheSameState();
  }

  @Test
  void a_failed_numbering_is_unavailable_persists_nothing_and_the_next_issue_works() {
    numbers.answer(CompletableFuture.failedFuture(new IllegalStateException("counter down")));

    var failed = invoice.<InvoiceResult>runCommand(r -> new Issue(draft, r));

    assertRejected(Rejection.Kind.UNAVAILABLE, failed.reply());
    assertTrue(failed.hasNoEvents());
    assertFalse(failed.state().exists());

    numbers.answer(CompletableFuture.completedFuture("ACM-2026-000002"));
    var retry = invoice.<InvoiceResult>runCommand(r -> new Issue(draft, r));

    assertEquals("ACM-2026-000002", okView(retry.reply()).invoiceNumber());
    assertEquals(1, retry.events().size());
    assertEquals(2, numbers.calls.size());
  }

  @Test
  void an_issue_waiting_behind_a_failed_numbering_gets_its_own_attempt() {
    var number = new CompletableFuture<String>();
    numbers.answer(number);
    numbers.answer(CompletableFuture.completedFuture("ACM-2026-000003"));
    var first = testKit.<InvoiceResult>createTestProbe();
    var second = testKit.<InvoiceResult>createTestProbe();
    invoice.runCommand(new Issue(draft, first.ref()));
    invoice.runCommand(new Issue(draft, second.ref()));

    number.completeExceptionally(new IllegalStateException("timeout"));

    assertRejected(Rejection.Kind.UNAVAILABLE, first.receiveMessage());
    assertEquals("ACM-2026-000003", okView(second.receiveMessage()).invoiceNumber());
    assertEquals(2, numbers.calls.size());
    assertEquals(1, journal().size());
  }

  @Test
  void an_application_sent_while_the_number_is_in_flight_is_recorded_after_the_issue() {
    var number = new CompletableFuture<String>();
    numbers.answer(number);
    var issued = testKit.<InvoiceResult>createTestProbe();
    var applied = testKit.<InvoiceResult>createTestProbe();
    invoice.runCommand(new Issue(draft, issued.ref()));
    invoice.runCommand(new RecordApplication(credit("cn_1", "19.50"), applied.ref()));
    applied.expectNoMessage(Duration.ofMillis(100));

    number.complete("ACM-2026-000004");

    okView(issued.receiveMessage());
    var view = okView(applied.receiveMessage());
    assertEquals("100.00", view.balance().toPlainString());
    assertEquals(2, journal().size());
  }

  // --- Get ------------------------------------------------------------------------------------

  @Test
  void getting_a_missing_invoice_is_not_found() {
    var result = invoice.<InvoiceResult>runCommand(Get::new);

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
    assertTrue(numbers.calls.isEmpty());
  }

  @Test
  void getting_an_issued_invoice_answers_its_view() {
    issue("ACM-2026-000001");

    var result = invoice.<InvoiceResult>runCommand(Get::new);

    assertEquals(InvoiceView.of(invoice.getState()), okView(result.reply()));
    assertTrue(result.hasNoEvents());
  }

  // --- RecordApplication ----------------------------------------------------------------------

  @Test
  void an_application_lowers_the_balance_once_however_often_it_is_recorded() {
    issue("ACM-2026-000001");
    var application = credit("cn_1", "19.50");

    var first = invoice.<InvoiceResult>runCommand(r -> new RecordApplication(application, r));
    var again = invoice.<InvoiceResult>runCommand(r -> new RecordApplication(application, r));

    var view = okView(first.reply());
    assertEquals(List.of(new Applied(application)), first.events());
    assertEquals("100.00", view.balance().toPlainString());
    assertEquals("19.50", view.amountCredited().toPlainString());
    assertEquals(InvoiceStatus.PARTIALLY_PAID, view.status());
    assertEquals(List.of(application), view.applications());
    assertEquals(application.at(), view.updatedAt());
    assertTrue(again.hasNoEvents());
    assertEquals(view, okView(again.reply()));
    assertRecoversToTheSameState();
  }

  @Test
  void applications_of_every_kind_add_up_and_settle_the_invoice() {
    issue("ACM-2026-000001");

    record(new Application("pay_1", Application.Kind.PAYMENT, new BigDecimal("100.00"), "pay_1", "REFERENCE", null, T0));
    record(credit("cn_1", "19.00"));
    var last = record(new Application("wo_1", Application.Kind.WRITE_OFF, new BigDecimal("0.50"), "pay_1", "TOLERANCE", null, T0));

    assertEquals("100.00", last.amountPaid().toPlainString());
    assertEquals("19.00", last.amountCredited().toPlainString());
    assertEquals("0.50", last.amountWrittenOff().toPlainString());
    assertEquals("0.00", last.balance().toPlainString());
    assertEquals(InvoiceStatus.PAID, last.status());
    assertRecoversToTheSameState();
  }

  @Test
  void an_application_on_a_missing_invoice_is_not_found_and_persists_nothing() {
    var result = invoice.<InvoiceResult>runCommand(r -> new RecordApplication(credit("cn_1", "1.00"), r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
  }

  // --- RecordVoid -----------------------------------------------------------------------------

  @Test
  void a_void_is_recorded_once_and_leaves_nothing_owed() {
    issue("ACM-2026-000001");
    var at = clock.advance(Duration.ofHours(2));

    var first = invoice.<InvoiceResult>runCommand(r -> new RecordVoid("order cancelled", "bob", at, r));
    var again = invoice.<InvoiceResult>runCommand(r -> new RecordVoid("order cancelled", "bob", at, r));

    assertEquals(List.of(new Voided("order cancelled", "bob", at)), first.events());
    var view = okView(first.reply());
    assertEquals(InvoiceStatus.VOID, view.status());
    assertEquals("0.00", view.balance().toPlainString());
    assertEquals("119.50", view.total().toPlainString());
    assertEquals(at, view.updatedAt());
    assertTrue(again.hasNoEvents());
    assertEquals(InvoiceStatus.VOID, okView(again.reply()).status());
    assertRecoversToTheSameState();
  }

  @Test
  void a_void_of_a_missing_invoice_is_not_found() {
    var result = invoice.<InvoiceResult>runCommand(r -> new RecordVoid("order cancelled", "bob", T0, r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
  }

  // --- RecordDunning --------------------------------------------------------------------------

  @Test
  void dunning_only_ever_raises_the_level() {
    issue("ACM-2026-000001");
    var at = T0.plus(Duration.ofDays(31));

    var reminder = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 1, at, r));
    var same = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 2, at, r));
    var second = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.SECOND_NOTICE, 15, at, r));
    var lower = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 16, at, r));
    var none = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.NONE, 16, at, r));

    assertEquals(List.of(new DunningRaised(DunningLevel.REMINDER, 1, at)), reminder.events());
    assertEquals(DunningLevel.REMINDER, okView(reminder.reply()).dunningLevel());
    assertTrue(same.hasNoEvents());
    assertEquals(List.of(new DunningRaised(DunningLevel.SECOND_NOTICE, 15, at)), second.events());
    assertTrue(lower.hasNoEvents());
    assertEquals(DunningLevel.SECOND_NOTICE, okView(lower.reply()).dunningLevel());
    assertTrue(none.hasNoEvents());
    assertEquals(DunningLevel.SECOND_NOTICE, invoice.getState().dunningLevel());
    assertRecoversToTheSameState();
  }

  @Test
  void dunning_is_ignored_on_a_paid_or_void_invoice() {
    issue("ACM-2026-000001");
    record(credit("cn_1", "119.50"));

    var paid = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 1, T0, r));

    assertTrue(paid.hasNoEvents());
    assertEquals(DunningLevel.NONE, okView(paid.reply()).dunningLevel());

    startInvoice();
    issue("ACM-2026-000002");
    invoice.<InvoiceResult>runCommand(r -> new RecordVoid("duplicate", "bob", T0, r));

    var voided = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 1, T0, r));

    assertTrue(voided.hasNoEvents());
    assertEquals(DunningLevel.NONE, okView(voided.reply()).dunningLevel());
  }

  @Test
  void settling_the_invoice_resets_its_dunning_level() {
    issue("ACM-2026-000001");
    invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.FINAL_NOTICE, 30, T0, r));

    var partly = record(credit("cn_1", "19.50"));
    var settled = record(credit("cn_2", "100.00"));

    assertEquals(DunningLevel.FINAL_NOTICE, partly.dunningLevel());
    assertEquals(DunningLevel.NONE, settled.dunningLevel());
    assertEquals(InvoiceStatus.PAID, settled.status());
  }

  @Test
  void dunning_a_missing_invoice_is_not_found() {
    var result = invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 1, T0, r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
  }

  // --- Tags and recovery ----------------------------------------------------------------------

  @Test
  void every_event_of_an_invoice_is_tagged_with_the_invoices_bucket() throws Exception {
    issue("ACM-2026-000001");
    record(credit("cn_1", "19.50"));
    invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.REMINDER, 1, T0, r));
    invoice.<InvoiceResult>runCommand(r -> new RecordVoid("order cancelled", "bob", T0, r));
    var tag = "invoice-" + Math.floorMod(entityId.hashCode(), SETTINGS.tagBuckets());

    var tagged = eventsTagged(tag);

    assertEquals(List.of(Issued.class, Applied.class, DunningRaised.class, Voided.class),
        tagged.stream().map(Object::getClass).toList());
    for (int bucket = 0; bucket < SETTINGS.tagBuckets(); bucket++) {
      var other = "invoice-" + bucket;
      if (!other.equals(tag)) {
        assertEquals(List.of(), eventsTagged(other), "events under " + other);
      }
    }
  }

  @Test
  void an_invoice_with_every_kind_of_event_recovers_to_the_same_state() {
    issue("ACM-2026-000001");
    clock.advance(Duration.ofDays(35));
    invoice.<InvoiceResult>runCommand(r -> new RecordDunning(DunningLevel.SECOND_NOTICE, 20, clock.now(), r));
    record(new Application("pay_1", Application.Kind.PAYMENT, new BigDecimal("50.00"), "pay_1", "OLDEST_FIRST", null, clock.now()));
    record(credit("cn_1", "9.50"));
    var before = invoice.getState();

    var after = invoice.restart().state();

    assertEquals(before, after);
    assertEquals("60.00", after.balance().toPlainString());
    assertEquals(DunningLevel.SECOND_NOTICE, after.dunningLevel());
    assertEquals(2, after.applications().size());
  }

  // --- Helpers --------------------------------------------------------------------------------

  /** Invoice numbers answered with futures the test prepares, in order. */
  private static final class FakeNumbers implements InvoiceNumbers {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<CompletionStage<String>> answers = new ConcurrentLinkedQueue<>();

    void answer(CompletionStage<String> answer) {
      answers.add(answer);
    }

    @Override
    public CompletionStage<String> next(String tenantId, String prefix, int year) {
      calls.add(tenantId + ":" + prefix + ":" + year);
      var answer = answers.poll();
      return answer != null ? answer : CompletableFuture.failedFuture(new AssertionError("no number prepared"));
    }
  }

  private void issue(String number) {
    numbers.answer(CompletableFuture.completedFuture(number));
    var result = invoice.<InvoiceResult>runCommand(r -> new Issue(draft, r));
    assertEquals(number, okView(result.reply()).invoiceNumber());
  }

  private InvoiceView record(Application application) {
    var result = invoice.<InvoiceResult>runCommand(r -> new RecordApplication(application, r));
    assertEquals(1, result.events().size());
    return okView(result.reply());
  }

  private static Application credit(String id, String amount) {
    return new Application(id, Application.Kind.CREDIT_NOTE, new BigDecimal(amount), id, null, "damaged", T0.plusSeconds(60));
  }

  private List<Object> journal() {
    return invoice.persistenceTestKit().persistedInStorage("Invoice|" + entityId);
  }

  private List<Object> eventsTagged(String tag) throws Exception {
    var queries = PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    return queries.currentEventsByTag(tag, NoOffset.getInstance())
        .filter(envelope -> envelope.persistenceId().equals("Invoice|" + entityId))
        .map(EventEnvelope::event)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void assertRecoversToTheSameState() {
    var before = invoice.getState();
    var after = invoice.restart().state();
    assertEquals(before, after);
  }

  private static InvoiceView okView(InvoiceResult result) {
    return assertInstanceOf(InvoiceResult.Ok.class, result).invoice();
  }

  private static void assertRejected(Rejection.Kind kind, InvoiceResult result) {
    var failed = assertInstanceOf(InvoiceResult.Failed.class, result);
    assertEquals(kind, failed.rejection().kind(), failed.rejection().detail());
  }
}
