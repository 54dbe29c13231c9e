package dev.o2c.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoiceIds;
import dev.o2c.order.Order.Approve;
import dev.o2c.order.Order.Approved;
import dev.o2c.order.Order.Cancel;
import dev.o2c.order.Order.Cancelled;
import dev.o2c.order.Order.Command;
import dev.o2c.order.Order.Deliver;
import dev.o2c.order.Order.Delivered;
import dev.o2c.order.Order.Event;
import dev.o2c.order.Order.Get;
import dev.o2c.order.Order.IsRecorded;
import dev.o2c.order.Order.PaymentStatusChanged;
import dev.o2c.order.Order.Place;
import dev.o2c.order.Order.Placed;
import dev.o2c.order.Order.RecordPaymentStatus;
import dev.o2c.order.Order.Reject;
import dev.o2c.order.Order.Rejected;
import dev.o2c.order.Order.Restore;
import dev.o2c.order.Order.Ship;
import dev.o2c.order.Order.Shipped;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order entity against a fake customer ledger ({@link OrderLedger}): placement (verified with
 * its invoice, held, refused, unavailable, idempotent, automation rules), the answer going out
 * before the order stores its copy, requests while the ledger's answer is in flight, the healing
 * the ledger drives (IsRecorded, Restore), approval and every other transition from every state,
 * payment status, and recovery.
 *
 * <p>A placement is answered before its event is persisted, and a change is decided by the ledger
 * on another message: the events and state of a {@code runCommand} result are therefore not
 * used; {@link #run} waits for the order's write behind the answer and reads the journal.
 */
class OrderTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "OrderTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final AutomationRules RULES = AutomationRules.fromConfig(
      ConfigFactory.parseString("""
          rules = [
            { name = "large-order", when { total-over = 1000 }, action = HOLD, reason = LARGE_ORDER }
            { name = "gift-cards", when { sku-in = ["GIFT-CARD"] }, action = ALERT, message = "Gift card order: check for fraud." }
            { name = "b2b-review", when { channel-in = ["b2b-portal"] }, action = ROUTE, queue = "b2b-review" }
          ]
          """).getConfigList("rules"),
      "acme");
  private static final OrderSettings SETTINGS =
      new OrderSettings(100, 4, 100, Duration.ofSeconds(3), 1000, 8, Map.of("acme", RULES));
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final String INVOICE_NUMBER = "INV-2026-000001";

  private static final HoldReason OVER_LIMIT = new HoldReason("CREDIT_LIMIT_EXCEEDED",
      "The order's gross total 35.70 EUR (tax included) exceeds the available credit 10.00 EUR.", null);
  private static final HoldReason CREDIT_HOLD = new HoldReason("CUSTOMER_CREDIT_HOLD", "The customer is on credit hold.", null);
  private static final HoldReason LARGE_ORDER = new HoldReason("LARGE_ORDER", "Held by rule large-order.", "large-order");

  /** Every test has an order of its own: the journal is shared by the whole class. */
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private final FakeLedger ledger = new FakeLedger();
  private String tenantId;
  private String entityId;
  private String orderId;
  private EventSourcedBehaviorTestKit<Command, Event, OrderState> order;

  @BeforeEach
  void startOrder() {
    startOrder("acme", SETTINGS);
  }

  private void startOrder(String tenant, OrderSettings settings) {
    tenantId = tenant;
    orderId = "ord_" + IDS.incrementAndGet();
    entityId = tenant + ":" + orderId;
    // Commands, events and state must also come back from serialization equal to what went in.
    order = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        Order.create(entityId, new Order.Dependencies(clock, ledger, settings)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- Placement --------------------------------------------------------------------------------

  @Test
  void placing_an_order_the_ledger_verifies_answers_it_verified_with_its_invoice_and_stores_it() {
    var request = newOrder();

    var result = run(r -> new Place(request, "idem-1", "shop", r));

    assertEquals(List.of(new FakeLedger.Placing(tenantId,
            new PlacementRequest(orderId, request, AutomationRules.Outcome.NONE, "idem-1", request.fingerprint(), "shop", T0))),
        ledger.placements);
    var ok = assertInstanceOf(OrderResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    var view = ok.order();
    assertEquals(orderId, view.orderId());
    assertEquals("cust-1", view.customerId());
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(PaymentStatus.UNPAID, view.paymentStatus());
    assertEquals("EUR", view.currency());
    assertMoney("30.00", view.total());
    assertMoney("35.70", view.grossTotal());
    assertSameLines(request.lines(), view.lines());
    assertEquals("web", view.channel());
    assertEquals("PO-1", view.externalReference());
    assertEquals(List.of(), view.holdReasons());
    assertNull(view.reviewQueue());
    assertEquals(invoiceId(), view.invoiceId());
    assertEquals(INVOICE_NUMBER, view.invoiceNumber());
    assertNull(view.approval());
    assertNull(view.shipment());
    assertEquals(T0, view.placedAt());
    assertEquals(T0, view.updatedAt());
    assertEquals(List.of(new OrderState.HistoryEntry(OrderStatus.VERIFIED, T0, "shop", "placed")), view.history());

    assertEquals(1, result.events().size());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(orderId, placed.orderId());
    assertEquals("cust-1", placed.customerId());
    assertEquals("EUR", placed.currency());
    assertSameLines(request.lines(), placed.lines());
    assertMoney("30.00", placed.total());
    assertEquals("web", placed.channel());
    assertEquals("PO-1", placed.externalReference());
    assertEquals(OrderStatus.VERIFIED, placed.status());
    assertEquals(List.of(), placed.holdReasons());
    assertNull(placed.reviewQueue());
    assertEquals(List.of(), placed.alerts());
    assertEquals("idem-1", placed.idempotencyKey());
    assertEquals(request.fingerprint(), placed.requestHash());
    assertEquals("shop", placed.by());
    assertEquals(T0, placed.at());
    assertEquals(invoiceId(), placed.invoiceId());
    assertEquals(INVOICE_NUMBER, placed.invoiceNumber());
    assertMoney("35.70", placed.grossTotal());

    var state = result.state();
    assertEquals(OrderStatus.VERIFIED, state.status());
    assertEquals(placed, state.placed());
    assertEquals(invoiceId(), state.invoiceId());
    assertEquals(INVOICE_NUMBER, state.invoiceNumber());
    assertEquals(view, OrderView.of(state));
    assertEquals(List.of(recorded()), ledger.recorded, "the order tells the ledger it has its copy");
    assertEquals(List.of(), ledger.changes);
    assertRecoversToTheSameState();
  }

  @Test
  void the_answer_goes_out_before_the_order_stores_it_and_a_get_sent_meanwhile_sees_the_order() {
    // An order of its own, spawned directly, so that its journal writes can be held back.
    var id = "ord_" + IDS.incrementAndGet();
    var persistenceId = "Order|acme:" + id;
    var journal = order.persistenceTestKit();
    var writes = new CountDownLatch(1);
    journal.withPolicy((pid, operation) -> {
      if (pid.equals(persistenceId) && operation instanceof WriteEvents) {
        awaitUninterruptibly(writes);
      }
      return ProcessingSuccess.getInstance();
    });
    var placer = testKit.<OrderResult>createTestProbe();
    var getter = testKit.<OrderResult>createTestProbe();
    var asker = testKit.<Boolean>createTestProbe();
    ActorRef<Command> ref = null;
    try {
      ref = testKit.spawn(Order.create("acme:" + id, new Order.Dependencies(clock, ledger, SETTINGS)));

      ref.tell(new Place(newOrder(), "idem-1", "shop", placer.ref()));

      var answered = assertInstanceOf(OrderResult.Ok.class, placer.receiveMessage()).order();
      assertEquals(OrderStatus.VERIFIED, answered.status());
      assertEquals(InvoiceIds.forOrder(id), answered.invoiceId());
      assertEquals(List.of(), journal.persistedInStorage(persistenceId), "the write is held: the answer came first");
      assertEquals(List.of(), ledger.recorded, "not stored yet, so not reported recorded");

      ref.tell(new Get(getter.ref()));
      ref.tell(new IsRecorded(asker.ref()));
      writes.countDown();

      var got = assertInstanceOf(OrderResult.Ok.class, getter.receiveMessage());
      assertEquals(answered, got.order());
      assertFalse(got.replayed());
      assertTrue(asker.receiveMessage());
      assertEquals(List.of(Placed.class), classes(journal.persistedInStorage(persistenceId)));
      assertEquals(List.of(new FakeLedger.Recorded("acme", "cust-1", id)), ledger.recorded);
      assertEquals(1, ledger.placements.size());
    } finally {
      writes.countDown();
      journal.resetPolicy();
      if (ref != null) {
        testKit.stop(ref);
      }
    }
  }

  @Test
  void placing_the_same_request_again_answers_the_first_answer_without_asking_the_ledger() {
    place(newOrder());
    clock.advance(Duration.ofHours(1));
    ship();

    // The same request, its prices written differently (12.5 for 12.50).
    var retry = run(r -> new Place(newOrder("12.5"), "idem-1", "shop", r));

    var ok = assertInstanceOf(OrderResult.Ok.class, retry.reply());
    assertTrue(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertMoney("30.00", ok.order().total());
    assertEquals(invoiceId(), ok.order().invoiceId());
    assertEquals(T0, ok.order().updatedAt());
    assertEquals(1, ok.order().history().size());
    assertEquals(List.of(), retry.events());
    assertEquals(1, ledger.placements.size(), "the ledger is asked once");
    assertEquals(OrderStatus.SHIPPED, retry.state().status());
  }

  @Test
  void placing_another_request_under_the_same_order_id_is_refused_as_key_reused() {
    place(newOrder());
    var before = order.getState();

    var other = run(r -> new Place(otherOrder(), "idem-1", "shop", r));

    assertRejected(Rejection.Kind.KEY_REUSED, other.reply());
    assertEquals(List.of(), other.events());
    assertEquals(1, ledger.placements.size());
    assertEquals(before, other.state());
  }

  static Stream<Arguments> holds() {
    return Stream.of(
        Arguments.of(List.of(OVER_LIMIT)),
        Arguments.of(List.of(CREDIT_HOLD)),
        Arguments.of(List.of(LARGE_ORDER, OVER_LIMIT, CREDIT_HOLD)));
  }

  @ParameterizedTest
  @MethodSource("holds")
  void an_order_the_ledger_holds_is_stored_on_hold_with_every_reason_and_no_invoice(List<HoldReason> reasons) {
    ledger.answerPlacements(held(reasons));

    var result = run(r -> new Place(newOrder(), "idem-1", "shop", r));

    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.ON_HOLD, view.status());
    assertEquals(reasons, view.holdReasons());
    assertNull(view.invoiceId());
    assertNull(view.invoiceNumber());
    assertMoney("35.70", view.grossTotal());
    assertEquals(List.of(new OrderState.HistoryEntry(OrderStatus.ON_HOLD, T0, "shop", "placed and held")), view.history());
    assertEquals(1, result.events().size());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(OrderStatus.ON_HOLD, placed.status());
    assertEquals(reasons, placed.holdReasons());
    assertNull(placed.invoiceId());
    assertNull(placed.invoiceNumber());
    assertEquals(OrderStatus.ON_HOLD, result.state().status());
    assertNull(result.state().invoiceId());
    assertEquals(List.of(recorded()), ledger.recorded);
    assertRecoversToTheSameState();
  }

  static Stream<Rejection> ledgerRefusals() {
    return Stream.of(
        Rejection.of(Rejection.Kind.UNPROCESSABLE, "There is no such customer."),
        Rejection.of(Rejection.Kind.UNPROCESSABLE, "Customer cust-1 is blocked."),
        Rejection.of(Rejection.Kind.UNPROCESSABLE, "The order is in EUR but the account of customer cust-1 is in USD."),
        Rejection.of(Rejection.Kind.UNPROCESSABLE, "Unknown tax code XX: the order cannot be taken."),
        Rejection.of(Rejection.Kind.KEY_REUSED, "This Idempotency-Key was used for a different order request."));
  }

  @ParameterizedTest
  @MethodSource("ledgerRefusals")
  void a_placement_the_ledger_refuses_is_answered_with_its_refusal_and_nothing_is_stored(Rejection refusal) {
    ledger.answerPlacements(new LedgerAnswer.Refused(refusal));

    var result = run(r -> new Place(newOrder(), "idem-1", "shop", r));

    assertEquals(refusal, assertInstanceOf(OrderResult.Failed.class, result.reply()).rejection());
    assertEquals(List.of(), result.events());
    assertFalse(result.state().exists());
    assertEquals(List.of(), ledger.recorded);
    assertFalse(isRecorded());
    assertNewPlacementWorks();
  }

  static Stream<Arguments> ledgerFailures() {
    return Stream.of(
        Arguments.of("timing out", new TimeoutException("Ask timed out on [CustomerAccount] after [3000 ms]")),
        Arguments.of("failing", new IllegalStateException("the account's shard is not available")));
  }

  @ParameterizedTest(name = "a ledger {0}")
  @MethodSource("ledgerFailures")
  void a_ledger_that_does_not_answer_makes_the_placement_unavailable_and_nothing_is_stored(String how, Throwable failure) {
    ledger.answerPlacementsWith(request -> CompletableFuture.failedFuture(failure));

    var result = run(r -> new Place(newOrder(), "idem-1", "shop", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertEquals(List.of(), result.events());
    assertFalse(result.state().exists());
    assertEquals(1, ledger.placements.size());
    assertEquals(List.of(), ledger.recorded);
    assertFalse(isRecorded());
    assertNewPlacementWorks();
  }

  @Test
  void a_retry_after_an_unavailable_placement_gets_the_answer_the_ledger_gave_and_stores_it() {
    ledger.answerPlacementsWith(request -> CompletableFuture.failedFuture(new TimeoutException("Ask timed out")));
    assertRejected(Rejection.Kind.UNAVAILABLE, run(r -> new Place(newOrder(), "idem-1", "shop", r)).reply());
    // The ledger had taken it: it answers the retry as it did then.
    ledger.answerPlacements(new LedgerAnswer.Accepted(
        OrderStatus.VERIFIED, List.of(), List.of(), invoiceId(), INVOICE_NUMBER, new BigDecimal("35.70"), true));

    var retry = run(r -> new Place(newOrder(), "idem-1", "shop", r));

    var ok = assertInstanceOf(OrderResult.Ok.class, retry.reply());
    assertTrue(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals(invoiceId(), ok.order().invoiceId());
    assertEquals(List.of(Placed.class), classes(retry.events()));
    assertEquals(2, ledger.placements.size());
    assertEquals(ledger.placements.get(0), ledger.placements.get(1), "the retry asks with the same request");
    assertEquals(List.of(recorded()), ledger.recorded);
    assertTrue(isRecorded());
  }

  // --- Automation rules -------------------------------------------------------------------------

  @Test
  void the_ledger_is_asked_with_the_hold_of_the_tenants_rule_and_the_order_keeps_the_ledgers_reasons() {
    ledger.answerPlacements(held(List.of(LARGE_ORDER)));

    var result = run(r -> new Place(largeOrder(), "idem-1", "shop", r));

    assertEquals(new AutomationRules.Outcome(List.of(LARGE_ORDER), List.of(), null), ledger.placements.get(0).request().rules());
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.ON_HOLD, view.status());
    assertEquals(List.of(LARGE_ORDER), view.holdReasons());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(OrderStatus.ON_HOLD, placed.status());
    assertEquals(List.of(LARGE_ORDER), placed.holdReasons());
  }

  @Test
  void an_alert_rule_goes_to_the_ledger_and_is_recorded_with_the_order() {
    var giftCards = new NewOrder("cust-1", "EUR",
        List.of(new OrderLine(1, "GIFT-CARD", 2, new BigDecimal("25.00"), new BigDecimal("50.00"))),
        new BigDecimal("50.00"), "web", null);

    var result = run(r -> new Place(giftCards, "idem-1", "shop", r));

    var alerts = List.of(new RuleAlert("gift-cards", "Gift card order: check for fraud."));
    assertEquals(new AutomationRules.Outcome(List.of(), alerts, null), ledger.placements.get(0).request().rules());
    assertEquals(OrderStatus.VERIFIED, assertInstanceOf(OrderResult.Ok.class, result.reply()).order().status());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(alerts, placed.alerts());
    assertEquals(OrderStatus.VERIFIED, placed.status());
    assertEquals(List.of(), placed.holdReasons());
  }

  @Test
  void a_route_rule_sends_the_order_to_its_review_queue() {
    var b2b = new NewOrder("cust-1", "EUR", newOrder().lines(), new BigDecimal("30.00"), "b2b-portal", "PO-7");

    var result = run(r -> new Place(b2b, "idem-1", "shop", r));

    assertEquals("b2b-review", ledger.placements.get(0).request().rules().reviewQueue());
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals("b2b-review", view.reviewQueue());
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals("b2b-review", assertInstanceOf(Placed.class, result.events().get(0)).reviewQueue());
    assertRecoversToTheSameState();
  }

  @Test
  void the_rules_of_one_tenant_do_not_apply_to_another() {
    startOrder("globex", SETTINGS);

    var result = run(r -> new Place(largeOrder(), "idem-1", "shop", r));

    var asked = ledger.placements.get(0);
    assertEquals("globex", asked.tenantId());
    assertEquals(AutomationRules.Outcome.NONE, asked.request().rules());
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(List.of(), view.holdReasons());
    assertEquals(List.of(new FakeLedger.Recorded("globex", "cust-1", orderId)), ledger.recorded);
  }

  // --- While the ledger's answer is in flight ---------------------------------------------------

  @Test
  void a_second_placement_while_the_first_is_in_flight_is_refused_and_the_first_completes() {
    var answer = new CompletableFuture<LedgerAnswer>();
    ledger.answerPlacementsWith(request -> answer);
    var first = testKit.<OrderResult>createTestProbe();

    order.runCommand(new Place(newOrder(), "idem-1", "shop", first.ref()));
    var same = order.<OrderResult>runCommand(r -> new Place(newOrder("12.5"), "idem-1", "shop", r));
    var different = order.<OrderResult>runCommand(r -> new Place(otherOrder(), "idem-1", "shop", r));

    assertRejected(Rejection.Kind.IN_FLIGHT, same.reply());
    assertRejected(Rejection.Kind.KEY_REUSED, different.reply());
    assertFalse(order.getState().exists());
    assertEquals(List.of(), journal());
    assertEquals(1, ledger.placements.size(), "only the first placement asks the ledger");

    answer.complete(verified());

    var ok = assertInstanceOf(OrderResult.Ok.class, first.receiveMessage());
    assertFalse(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals(OrderStatus.VERIFIED, order.getState().status());
    assertEquals(List.of(Placed.class), classes(journal()));
  }

  @Test
  void a_get_and_is_recorded_sent_while_the_placement_is_in_flight_are_answered_with_the_stored_order() {
    var answer = new CompletableFuture<LedgerAnswer>();
    ledger.answerPlacementsWith(request -> answer);
    var placer = testKit.<OrderResult>createTestProbe();
    var getter = testKit.<OrderResult>createTestProbe();
    var asker = testKit.<Boolean>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", placer.ref()));
    order.runCommand(new Get(getter.ref()));
    order.runCommand(new IsRecorded(asker.ref()));

    answer.complete(held(List.of(OVER_LIMIT)));

    var placed = assertInstanceOf(OrderResult.Ok.class, placer.receiveMessage()).order();
    var got = assertInstanceOf(OrderResult.Ok.class, getter.receiveMessage()).order();
    assertEquals(OrderStatus.ON_HOLD, got.status());
    assertEquals(placed, got);
    assertTrue(asker.receiveMessage());
    assertEquals(List.of(Placed.class), classes(journal()));
  }

  @Test
  void a_cancel_sent_while_the_placement_is_in_flight_waits_and_is_answered_after_it() {
    var answer = new CompletableFuture<LedgerAnswer>();
    ledger.answerPlacementsWith(request -> answer);
    var placer = testKit.<OrderResult>createTestProbe();
    var canceller = testKit.<OrderResult>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", placer.ref()));

    order.runCommand(new Cancel("carol", "customer changed their mind", canceller.ref()));

    assertEquals(List.of(), ledger.changes, "the cancel waits: the ledger is not asked yet");
    answer.complete(verified());

    assertEquals(OrderStatus.VERIFIED,
        assertInstanceOf(OrderResult.Ok.class, placer.receiveMessage()).order().status());
    // Its first answer: it was not answered "not found" while the order did not exist yet.
    assertEquals(OrderStatus.CANCELLED,
        assertInstanceOf(OrderResult.Ok.class, canceller.receiveMessage()).order().status());
    assertEquals(List.of(change(OrderLedger.Change.CANCEL, "customer changed their mind", "carol")), ledger.changes);
    assertEquals(List.of(Placed.class, Cancelled.class), classes(journal()));
    assertEquals(OrderStatus.CANCELLED, order.getState().status());
    assertRecoversToTheSameState();
  }

  @Test
  void requests_waiting_on_a_placement_that_fails_are_answered_as_for_a_missing_order() {
    var answer = new CompletableFuture<LedgerAnswer>();
    ledger.answerPlacementsWith(request -> answer);
    var placer = testKit.<OrderResult>createTestProbe();
    var canceller = testKit.<OrderResult>createTestProbe();
    var getter = testKit.<OrderResult>createTestProbe();
    var asker = testKit.<Boolean>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", placer.ref()));
    order.runCommand(new Cancel("carol", "changed mind", canceller.ref()));
    order.runCommand(new Get(getter.ref()));
    order.runCommand(new IsRecorded(asker.ref()));

    answer.completeExceptionally(new TimeoutException("Ask timed out"));

    assertRejected(Rejection.Kind.UNAVAILABLE, placer.receiveMessage());
    assertRejected(Rejection.Kind.NOT_FOUND, canceller.receiveMessage());
    assertRejected(Rejection.Kind.NOT_FOUND, getter.receiveMessage());
    assertFalse(asker.receiveMessage());
    assertEquals(List.of(), journal());
    assertEquals(List.of(), ledger.changes);
    assertEquals(List.of(), ledger.recorded);
  }

  @Test
  void a_restore_sent_while_the_placement_is_in_flight_waits_and_stores_nothing_more() {
    var answer = new CompletableFuture<LedgerAnswer>();
    ledger.answerPlacementsWith(request -> answer);
    var placer = testKit.<OrderResult>createTestProbe();
    var restorer = testKit.<Done>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", placer.ref()));
    var request = ledger.placements.get(0).request();
    order.runCommand(new Restore(request, held(List.of(OVER_LIMIT)), restorer.ref()));

    answer.complete(verified());

    assertInstanceOf(OrderResult.Ok.class, placer.receiveMessage());
    assertEquals(Done.getInstance(), restorer.receiveMessage());
    assertEquals(List.of(Placed.class), classes(journal()));
    assertEquals(OrderStatus.VERIFIED, order.getState().status(), "the placement's answer, not the restore's");
    assertEquals(List.of(recorded(), recorded()), ledger.recorded);
  }

  // --- Healing: what the ledger asks and gives back ---------------------------------------------

  @Test
  void an_order_reports_recorded_only_once_it_has_stored_its_placement() {
    var before = this.<Boolean>runFor(IsRecorded::new);
    assertFalse(before.reply());
    assertEquals(List.of(), before.events());

    place(newOrder());

    var after = this.<Boolean>runFor(IsRecorded::new);
    assertTrue(after.reply());
    assertEquals(List.of(), after.events());
  }

  @Test
  void restoring_a_placement_the_order_lost_stores_the_ledgers_record_and_tells_the_ledger() {
    var request = new PlacementRequest(orderId, newOrder(), AutomationRules.Outcome.NONE, "idem-1", newOrder().fingerprint(), "shop", T0);
    var answer = held(List.of(OVER_LIMIT));
    clock.advance(Duration.ofMinutes(5));

    var result = this.<Done>runFor(r -> new Restore(request, answer, r));

    assertEquals(Done.getInstance(), result.reply());
    assertEquals(1, result.events().size());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(orderId, placed.orderId());
    assertEquals("cust-1", placed.customerId());
    assertMoney("30.00", placed.total());
    assertSameLines(newOrder().lines(), placed.lines());
    assertEquals(OrderStatus.ON_HOLD, placed.status());
    assertEquals(List.of(OVER_LIMIT), placed.holdReasons());
    assertEquals("idem-1", placed.idempotencyKey());
    assertEquals(newOrder().fingerprint(), placed.requestHash());
    assertEquals("shop", placed.by());
    assertEquals(T0, placed.at(), "placed when the ledger took it, not when it was restored");
    assertNull(placed.invoiceId());
    assertMoney("35.70", placed.grossTotal());
    var state = result.state();
    assertEquals(OrderStatus.ON_HOLD, state.status());
    assertEquals(List.of(new OrderState.HistoryEntry(OrderStatus.ON_HOLD, T0, "shop", "placed and held")), state.history());
    assertEquals(List.of(), ledger.placements, "the ledger is not asked again");
    assertEquals(List.of(recorded()), ledger.recorded);
    assertTrue(isRecorded());
    assertRecoversToTheSameState();

    // A retry of the placement now gets the restored answer.
    var retry = run(r -> new Place(newOrder(), "idem-1", "shop", r));
    var ok = assertInstanceOf(OrderResult.Ok.class, retry.reply());
    assertTrue(ok.replayed());
    assertEquals(OrderStatus.ON_HOLD, ok.order().status());
    assertEquals(List.of(), retry.events());
    assertEquals(List.of(), ledger.placements);
  }

  @Test
  void restoring_a_verified_invoiced_placement_records_its_invoice() {
    var request = new PlacementRequest(orderId, newOrder(), AutomationRules.Outcome.NONE, "idem-1", newOrder().fingerprint(), "shop", T0);

    var result = this.<Done>runFor(r -> new Restore(request, verified(), r));

    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(OrderStatus.VERIFIED, placed.status());
    assertEquals(invoiceId(), placed.invoiceId());
    assertEquals(INVOICE_NUMBER, placed.invoiceNumber());
    assertEquals(invoiceId(), result.state().invoiceId());
    assertEquals(INVOICE_NUMBER, result.state().invoiceNumber());
  }

  @Test
  void restoring_an_order_that_has_its_placement_stores_nothing_and_tells_the_ledger_again() {
    place(newOrder());
    var before = order.getState();
    var request = ledger.placements.get(0).request();

    var result = this.<Done>runFor(r -> new Restore(request, held(List.of(OVER_LIMIT)), r));

    assertEquals(Done.getInstance(), result.reply());
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
    assertEquals(OrderStatus.VERIFIED, result.state().status());
    assertEquals(List.of(recorded(), recorded()), ledger.recorded);
  }

  // --- Approval ---------------------------------------------------------------------------------

  @Test
  void approving_a_held_order_asks_the_ledger_and_records_the_override_and_the_invoice_it_issued() {
    placeOnHold();
    ledger.answer(OrderLedger.Change.APPROVE, new LedgerAnswer.Accepted(OrderStatus.VERIFIED, List.of(),
        List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), invoiceId(), "INV-2026-000007", null, false));
    var later = clock.advance(Duration.ofHours(1));

    var result = run(r -> new Approve("alice", "known customer", r));

    assertEquals(List.of(change(OrderLedger.Change.APPROVE, "known customer", "alice")), ledger.changes);
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(new OrderState.Approval("alice", later, List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), "known customer"), view.approval());
    assertEquals(invoiceId(), view.invoiceId());
    assertEquals("INV-2026-000007", view.invoiceNumber());
    assertEquals(later, view.updatedAt());
    assertEquals(List.of(new Approved("cust-1", List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), "alice", "known customer", later,
        invoiceId(), "INV-2026-000007")), result.events());
    var state = result.state();
    assertEquals(OrderStatus.VERIFIED, state.status());
    assertEquals("alice", state.approval().by());
    assertEquals(invoiceId(), state.invoiceId());
    assertEquals("INV-2026-000007", state.invoiceNumber());
    assertEquals(new OrderState.HistoryEntry(OrderStatus.VERIFIED, later, "alice", "approved, overriding CREDIT_LIMIT_EXCEEDED"),
        state.history().get(state.history().size() - 1));
    assertRecoversToTheSameState();
  }

  @Test
  void approving_with_nothing_to_override_and_no_invoice_yet_records_neither() {
    placeOnHold();
    ledger.answer(OrderLedger.Change.APPROVE,
        new LedgerAnswer.Accepted(OrderStatus.VERIFIED, List.of(), List.of(), null, null, null, false));

    var result = run(r -> new Approve("alice", null, r));

    var approved = assertInstanceOf(Approved.class, result.events().get(0));
    assertEquals(List.of(), approved.overridden());
    assertNull(approved.invoiceId());
    assertEquals(List.of(), result.state().approval().overridden());
    assertNull(result.state().invoiceId());
    assertNull(result.state().invoiceNumber());
    assertEquals("approved", result.state().history().get(1).note());
  }

  @ParameterizedTest
  @EnumSource(value = OrderStatus.class, names = {"VERIFIED", "SHIPPED", "DELIVERED", "REJECTED", "CANCELLED"})
  void approving_an_order_that_is_not_held_is_refused_with_its_status_and_the_ledger_is_not_asked(OrderStatus status) {
    bringTo(status);
    var before = order.getState();
    var changesBefore = List.copyOf(ledger.changes);

    var result = run(r -> new Approve("alice", null, r));

    assertIllegal(status, result.reply());
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
    assertEquals(changesBefore, ledger.changes, "the ledger is not asked");
  }

  @Test
  void an_approval_the_ledger_refuses_persists_nothing_and_the_order_stays_held() {
    placeOnHold();
    var blocked = Rejection.of(Rejection.Kind.UNPROCESSABLE, "Customer cust-1 is blocked.");
    ledger.answer(OrderLedger.Change.APPROVE, new LedgerAnswer.Refused(blocked));
    var before = order.getState();

    var result = run(r -> new Approve("alice", null, r));

    assertEquals(List.of(change(OrderLedger.Change.APPROVE, null, "alice")), ledger.changes);
    assertEquals(blocked, assertInstanceOf(OrderResult.Failed.class, result.reply()).rejection());
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
    assertEquals(OrderStatus.ON_HOLD, result.state().status());
  }

  @Test
  void an_approval_the_ledger_does_not_answer_is_unavailable_and_can_be_retried() {
    placeOnHold();
    ledger.answerWith(OrderLedger.Change.APPROVE, call -> CompletableFuture.failedFuture(new TimeoutException("Ask timed out")));

    var result = run(r -> new Approve("alice", null, r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertEquals(List.of(), result.events());
    assertEquals(OrderStatus.ON_HOLD, result.state().status());

    ledger.answer(OrderLedger.Change.APPROVE, approvedAnswer());
    var retry = run(r -> new Approve("alice", null, r));
    assertEquals(OrderStatus.VERIFIED, assertInstanceOf(OrderResult.Ok.class, retry.reply()).order().status());
    assertEquals(List.of(Approved.class), classes(retry.events()));
    assertEquals(2, ledger.changes.size());
  }

  @Test
  void a_change_while_another_is_in_progress_is_refused_as_in_progress_and_a_get_answers_meanwhile() {
    placeOnHold();
    var answer = new CompletableFuture<LedgerAnswer>();
    ledger.answerWith(OrderLedger.Change.APPROVE, call -> answer);
    var approver = testKit.<OrderResult>createTestProbe();
    order.runCommand(new Approve("alice", "first", approver.ref()));

    var second = run(r -> new Approve("bob", "second", r));
    var reject = run(r -> new Reject("bob", "no", r));
    var cancel = run(r -> new Cancel("bob", "no", r));
    var get = run(Get::new);

    assertRejected(Rejection.Kind.IN_PROGRESS, second.reply());
    assertRejected(Rejection.Kind.IN_PROGRESS, reject.reply());
    assertRejected(Rejection.Kind.IN_PROGRESS, cancel.reply());
    assertEquals(List.of(), second.events());
    assertEquals(List.of(), reject.events());
    assertEquals(List.of(), cancel.events());
    assertEquals(OrderStatus.ON_HOLD, assertInstanceOf(OrderResult.Ok.class, get.reply()).order().status());
    assertEquals(List.of(change(OrderLedger.Change.APPROVE, "first", "alice")), ledger.changes, "one change asked");

    answer.complete(approvedAnswer());

    var ok = assertInstanceOf(OrderResult.Ok.class, approver.receiveMessage());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals("alice", ok.order().approval().by());
    assertEquals(List.of(Placed.class, Approved.class), classes(journal()));
  }

  // --- Every transition from every state --------------------------------------------------------

  /** The changes besides approval, with the states the domain allows each from (docs: order states). */
  enum Change {
    REJECT(OrderLedger.Change.REJECT, OrderStatus.REJECTED, "fraud suspected", OrderStatus.ON_HOLD),
    CANCEL(OrderLedger.Change.CANCEL, OrderStatus.CANCELLED, "customer withdrew", OrderStatus.VERIFIED, OrderStatus.ON_HOLD),
    SHIP(OrderLedger.Change.SHIP, OrderStatus.SHIPPED, null, OrderStatus.VERIFIED),
    DELIVER(null, OrderStatus.DELIVERED, "signed by J. Doe", OrderStatus.SHIPPED);

    /** What the ledger is asked; null: the ledger has no say. */
    final OrderLedger.Change asks;
    final OrderStatus to;
    final String note;
    final Set<OrderStatus> from;

    Change(OrderLedger.Change asks, OrderStatus to, String note, OrderStatus... from) {
      this.asks = asks;
      this.to = to;
      this.note = note;
      this.from = Set.of(from);
    }

    Command command(String by, ActorRef<OrderResult> replyTo) {
      return switch (this) {
        case REJECT -> new Reject(by, note, replyTo);
        case CANCEL -> new Cancel(by, note, replyTo);
        case SHIP -> new Ship(by, "DHL", "JD0001", replyTo);
        case DELIVER -> new Deliver(by, note, replyTo);
      };
    }

    /** The event this change records, by erin at {@code at}, of an order with the given invoice. */
    Event event(Instant at, String invoiceId, String invoiceNumber) {
      return switch (this) {
        case REJECT -> new Rejected("cust-1", note, "erin", at);
        case CANCEL -> new Cancelled("cust-1", invoiceId, note, "erin", at);
        case SHIP -> new Shipped("DHL", "JD0001", "erin", at, invoiceId, invoiceNumber);
        case DELIVER -> new Delivered(note, "erin", at);
      };
    }
  }

  static Stream<Arguments> allowedChanges() {
    return Arrays.stream(Change.values()).flatMap(c -> c.from.stream().map(s -> Arguments.of(c, s)));
  }

  static Stream<Arguments> refusedChanges() {
    return Arrays.stream(Change.values())
        .flatMap(c -> Arrays.stream(OrderStatus.values()).filter(s -> !c.from.contains(s)).map(s -> Arguments.of(c, s)));
  }

  static Stream<Change> ledgerChanges() {
    return Arrays.stream(Change.values()).filter(c -> c.asks != null);
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("allowedChanges")
  void an_allowed_change_is_decided_by_the_ledger_then_persisted_and_recorded_in_the_history(Change change, OrderStatus from) {
    bringTo(from);
    var historyBefore = order.getState().history();
    var changesBefore = new ArrayList<>(ledger.changes);
    var later = clock.advance(Duration.ofHours(2));

    var result = run(r -> change.command("erin", r));

    // Held orders have no invoice (the default answers); verified ones got theirs at placement.
    String invoiceId = from == OrderStatus.ON_HOLD ? null : invoiceId();
    String invoiceNumber = from == OrderStatus.ON_HOLD ? null : INVOICE_NUMBER;
    var expectedChanges = new ArrayList<>(changesBefore);
    if (change.asks != null) {
      expectedChanges.add(change(change.asks, change.note, "erin"));
    }
    assertEquals(expectedChanges, ledger.changes);
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(change.to, view.status());
    assertEquals(later, view.updatedAt());
    assertEquals(List.of(change.event(later, invoiceId, invoiceNumber)), result.events());
    var expectedHistory = new ArrayList<>(historyBefore);
    expectedHistory.add(new OrderState.HistoryEntry(change.to, later, "erin", change.note));
    assertEquals(expectedHistory, result.state().history());
    assertEquals(change.to, result.state().status());
    assertEquals(invoiceId, result.state().invoiceId());
    if (change == Change.SHIP) {
      assertEquals(new OrderState.Shipment("DHL", "JD0001", later), result.state().shipment());
    }
    assertRecoversToTheSameState();
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("refusedChanges")
  void a_change_not_allowed_from_the_current_status_is_refused_with_that_status_and_nothing_is_asked(Change change, OrderStatus from) {
    bringTo(from);
    var before = order.getState();
    var changesBefore = List.copyOf(ledger.changes);

    var result = run(r -> change.command("erin", r));

    assertIllegal(from, result.reply());
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
    assertEquals(changesBefore, ledger.changes, "the ledger is not asked");
  }

  @ParameterizedTest
  @MethodSource("ledgerChanges")
  void a_change_the_ledger_refuses_is_answered_with_its_refusal_and_persists_nothing(Change change) {
    bringTo(change.from.iterator().next());
    var before = order.getState();
    var refusal = Rejection.of(Rejection.Kind.NOT_FOUND, "The customer's account has no such order.");
    ledger.answer(change.asks, new LedgerAnswer.Refused(refusal));

    var result = run(r -> change.command("erin", r));

    assertEquals(refusal, assertInstanceOf(OrderResult.Failed.class, result.reply()).rejection());
    assertEquals(change(change.asks, change.note, "erin"), ledger.changes.get(ledger.changes.size() - 1));
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
  }

  @ParameterizedTest
  @MethodSource("ledgerChanges")
  void a_change_the_ledger_does_not_answer_is_unavailable_and_leaves_the_order_unchanged(Change change) {
    bringTo(change.from.iterator().next());
    var before = order.getState();
    ledger.answerWith(change.asks, call -> CompletableFuture.failedFuture(new TimeoutException("Ask timed out")));

    var result = run(r -> change.command("erin", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
    // Nothing is left pending: the same change goes through once the ledger answers.
    ledger.answerWith(change.asks, FakeLedger::defaultChange);
    var retry = run(r -> change.command("erin", r));
    assertEquals(change.to, assertInstanceOf(OrderResult.Ok.class, retry.reply()).order().status());
    assertEquals(1, retry.events().size());
  }

  @Test
  void every_command_on_a_missing_order_is_not_found_persists_nothing_and_asks_nothing() {
    List<Function<ActorRef<OrderResult>, Command>> commands = List.of(
        Get::new,
        r -> new Approve("alice", null, r),
        r -> Change.REJECT.command("alice", r),
        r -> Change.CANCEL.command("alice", r),
        r -> Change.SHIP.command("alice", r),
        r -> Change.DELIVER.command("alice", r),
        r -> new RecordPaymentStatus(PaymentStatus.PAID, r));

    for (var command : commands) {
      var result = run(command);
      assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
      assertEquals(List.of(), result.events());
    }
    assertFalse(isRecorded());
    assertFalse(order.getState().exists());
    assertEquals(List.of(), ledger.placements);
    assertEquals(List.of(), ledger.changes);
    assertEquals(List.of(), ledger.recorded);
  }

  // --- Invoices through the ledger --------------------------------------------------------------

  @Test
  void shipping_records_the_invoice_the_ledger_issued_on_shipment() {
    // A tenant that invoices on shipment: the placement brings no invoice.
    ledger.answerPlacements(new LedgerAnswer.Accepted(
        OrderStatus.VERIFIED, List.of(), List.of(), null, null, new BigDecimal("35.70"), false));
    place(newOrder());
    assertNull(order.getState().invoiceId());
    ledger.answer(OrderLedger.Change.SHIP, new LedgerAnswer.Accepted(
        OrderStatus.SHIPPED, List.of(), List.of(), invoiceId(), "INV-2026-000042", null, false));
    var later = clock.advance(Duration.ofDays(1));

    var result = run(r -> new Ship("bob", "UPS", "1Z999", r));

    assertEquals(List.of(new Shipped("UPS", "1Z999", "bob", later, invoiceId(), "INV-2026-000042")), result.events());
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(invoiceId(), view.invoiceId());
    assertEquals("INV-2026-000042", view.invoiceNumber());
    assertEquals(invoiceId(), result.state().invoiceId());
    assertEquals("INV-2026-000042", result.state().invoiceNumber());
    assertRecoversToTheSameState();
  }

  @Test
  void shipping_an_order_invoiced_at_placement_keeps_its_invoice_when_the_ledger_issues_none() {
    place(newOrder());
    ledger.answer(OrderLedger.Change.SHIP,
        new LedgerAnswer.Accepted(OrderStatus.SHIPPED, List.of(), List.of(), null, null, null, false));

    var result = run(r -> new Ship("bob", "UPS", "1Z999", r));

    var shipped = assertInstanceOf(Shipped.class, result.events().get(0));
    assertNull(shipped.invoiceId());
    assertEquals(OrderStatus.SHIPPED, result.state().status());
    assertEquals(invoiceId(), result.state().invoiceId());
    assertEquals(INVOICE_NUMBER, result.state().invoiceNumber());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_an_invoiced_order_names_the_invoice_the_ledger_voided_or_credited() {
    place(newOrder());

    var result = run(r -> new Cancel("carol", "customer withdrew", r));

    var cancelled = assertInstanceOf(Cancelled.class, result.events().get(0));
    assertEquals(invoiceId(), cancelled.invoiceId());
    assertEquals(List.of(change(OrderLedger.Change.CANCEL, "customer withdrew", "carol")), ledger.changes);
    assertEquals(OrderStatus.CANCELLED, result.state().status());
    assertEquals(invoiceId(), result.state().invoiceId());
  }

  // --- Payment status ---------------------------------------------------------------------------

  @Test
  void a_new_payment_status_is_stored_and_the_order_answered() {
    place(newOrder());
    var historyBefore = order.getState().history();
    var t1 = clock.advance(Duration.ofDays(3));

    var partly = run(r -> new RecordPaymentStatus(PaymentStatus.PARTIALLY_PAID, r));

    var view = assertInstanceOf(OrderResult.Ok.class, partly.reply()).order();
    assertEquals(PaymentStatus.PARTIALLY_PAID, view.paymentStatus());
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(t1, view.updatedAt());
    assertEquals(List.of(new PaymentStatusChanged(PaymentStatus.PARTIALLY_PAID, t1)), partly.events());
    assertEquals(historyBefore, partly.state().history(), "the fulfilment history is not the payments'");

    var t2 = clock.advance(Duration.ofDays(1));
    var paid = run(r -> new RecordPaymentStatus(PaymentStatus.PAID, r));

    assertEquals(List.of(new PaymentStatusChanged(PaymentStatus.PAID, t2)), paid.events());
    assertEquals(PaymentStatus.PAID, paid.state().paymentStatus());
    assertEquals(List.of(), ledger.changes, "told by the ledger, not asked of it");
    assertRecoversToTheSameState();
  }

  @Test
  void the_payment_status_the_order_already_has_is_answered_and_stores_nothing() {
    place(newOrder());
    var before = order.getState();
    clock.advance(Duration.ofDays(1));

    var result = run(r -> new RecordPaymentStatus(PaymentStatus.UNPAID, r));

    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(PaymentStatus.UNPAID, view.paymentStatus());
    assertEquals(T0, view.updatedAt());
    assertEquals(List.of(), result.events());
    assertEquals(before, result.state());
  }

  // --- History, journal, recovery ---------------------------------------------------------------

  @Test
  void the_history_records_every_status_with_who_and_why() {
    placeOnHold();
    ledger.answer(OrderLedger.Change.APPROVE, new LedgerAnswer.Accepted(OrderStatus.VERIFIED, List.of(),
        List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), invoiceId(), INVOICE_NUMBER, null, false));
    var t1 = clock.advance(Duration.ofHours(1));
    run(r -> new Approve("alice", "known customer", r));
    var t2 = clock.advance(Duration.ofHours(1));
    run(r -> new Ship("bob", "UPS", "1Z999", r));
    var t3 = clock.advance(Duration.ofDays(2));

    var result = run(r -> new Deliver("dave", "left at the door", r));

    var expected = List.of(
        new OrderState.HistoryEntry(OrderStatus.ON_HOLD, T0, "shop", "placed and held"),
        new OrderState.HistoryEntry(OrderStatus.VERIFIED, t1, "alice", "approved, overriding CREDIT_LIMIT_EXCEEDED"),
        new OrderState.HistoryEntry(OrderStatus.SHIPPED, t2, "bob", null),
        new OrderState.HistoryEntry(OrderStatus.DELIVERED, t3, "dave", "left at the door"));
    assertEquals(expected, assertInstanceOf(OrderResult.Ok.class, result.reply()).order().history());
    assertEquals(expected, result.state().history());
    var get = run(Get::new);
    assertEquals(expected, assertInstanceOf(OrderResult.Ok.class, get.reply()).order().history());
    assertEquals(List.of(), get.events());
    assertEquals(List.of(Placed.class, Approved.class, Shipped.class, Delivered.class), classes(journal()));
    assertRecoversToTheSameState();
  }

  @Test
  void every_order_event_is_tagged_in_the_orders_bucket_for_the_order_reports() throws Exception {
    place(newOrder());
    ship();
    run(r -> new Deliver("dave", "signed", r));
    assertEquals(3, journal().size());

    String tag = SETTINGS.tag(entityId);
    for (int bucket = 0; bucket < SETTINGS.tagBuckets(); bucket++) {
      String other = "order-" + bucket;
      assertEquals(other.equals(tag) ? journal() : List.of(), eventsTagged(other), "events under " + other);
    }
  }

  @Test
  void recovery_from_a_snapshot_and_the_events_after_it_gives_the_same_state() {
    startOrder("acme", new OrderSettings(100, 4, 2, Duration.ofSeconds(3), 1000, 8, Map.of("acme", RULES)));
    placeOnHold();
    run(r -> new Approve("alice", "known customer", r));
    ship();

    var snapshots = order.snapshotTestKit().orElseThrow().persistedInStorage("Order|" + entityId);
    assertFalse(snapshots.isEmpty(), "snapshots every 2 events");
    assertRecoversToTheSameState();
    var state = order.getState();
    assertEquals(OrderStatus.SHIPPED, state.status());
    assertEquals("alice", state.approval().by());
    assertEquals(invoiceId(), state.invoiceId());
    assertEquals(3, state.history().size());
  }

  // --- The fake ledger --------------------------------------------------------------------------

  /**
   * A customer ledger whose answers each test sets, recording every call. By default it takes
   * every order VERIFIED and invoices it at once (gross = total + 19% tax), and accepts every
   * change: approval and shipment with the order's invoice, rejection and cancellation without.
   */
  static final class FakeLedger implements OrderLedger {

    record Placing(String tenantId, PlacementRequest request) {}

    record Changing(String tenantId, String customerId, String orderId, OrderLedger.Change change, String reason, String by) {}

    record Recorded(String tenantId, String customerId, String orderId) {}

    final List<Placing> placements = new CopyOnWriteArrayList<>();
    final List<Changing> changes = new CopyOnWriteArrayList<>();
    final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private volatile Function<PlacementRequest, CompletionStage<LedgerAnswer>> placing =
        request -> CompletableFuture.completedFuture(verified(request.orderId(), request.order().total()));
    private final Map<OrderLedger.Change, Function<Changing, CompletionStage<LedgerAnswer>>> changing =
        new EnumMap<>(OrderLedger.Change.class);

    void answerPlacements(LedgerAnswer answer) {
      answerPlacementsWith(request -> CompletableFuture.completedFuture(answer));
    }

    void answerPlacementsWith(Function<PlacementRequest, CompletionStage<LedgerAnswer>> answers) {
      this.placing = answers;
    }

    void answer(OrderLedger.Change change, LedgerAnswer answer) {
      answerWith(change, call -> CompletableFuture.completedFuture(answer));
    }

    synchronized void answerWith(OrderLedger.Change change, Function<Changing, CompletionStage<LedgerAnswer>> answers) {
      changing.put(change, answers);
    }

    static CompletionStage<LedgerAnswer> defaultChange(Changing call) {
      var invoiced = call.change() == OrderLedger.Change.APPROVE || call.change() == OrderLedger.Change.SHIP
          || call.change() == OrderLedger.Change.INVOICE;
      var status = switch (call.change()) {
        case APPROVE -> OrderStatus.VERIFIED;
        case REJECT -> OrderStatus.REJECTED;
        case CANCEL -> OrderStatus.CANCELLED;
        case SHIP -> OrderStatus.SHIPPED;
        case INVOICE -> OrderStatus.VERIFIED;
      };
      return CompletableFuture.completedFuture(new LedgerAnswer.Accepted(status, List.of(), List.of(),
          invoiced ? InvoiceIds.forOrder(call.orderId()) : null, invoiced ? INVOICE_NUMBER : null, null, false));
    }

    @Override
    public CompletionStage<LedgerAnswer> place(String tenantId, PlacementRequest request) {
      placements.add(new Placing(tenantId, request));
      return placing.apply(request);
    }

    @Override
    public CompletionStage<LedgerAnswer> change(
        String tenantId, String customerId, String orderId, OrderLedger.Change change, String reason, String by) {
      var call = new Changing(tenantId, customerId, orderId, change, reason, by);
      changes.add(call);
      Function<Changing, CompletionStage<LedgerAnswer>> answers;
      synchronized (this) {
        answers = changing.getOrDefault(change, FakeLedger::defaultChange);
      }
      return answers.apply(call);
    }

    @Override
    public void recorded(String tenantId, String customerId, String orderId) {
      recorded.add(new Recorded(tenantId, customerId, orderId));
    }
  }

  // --- Helpers ----------------------------------------------------------------------------------

  /** What a command did: its answer, the events it persisted, the state after them. */
  private record Outcome<R>(R reply, List<Object> events, OrderState state) {}

  /**
   * Runs a command and waits for the order's write behind its answer: a placement answers before
   * it persists, and asking the order's state waits for that write.
   */
  private Outcome<OrderResult> run(Function<ActorRef<OrderResult>, Command> command) {
    return runFor(command);
  }

  private <R> Outcome<R> runFor(Function<ActorRef<R>, Command> command) {
    int before = journal().size();
    R reply = order.<R>runCommand(command::apply).reply();
    OrderState state = order.getState();
    List<Object> journal = journal();
    return new Outcome<>(reply, List.copyOf(journal.subList(before, journal.size())), state);
  }

  private String invoiceId() {
    return InvoiceIds.forOrder(orderId);
  }

  private FakeLedger.Recorded recorded() {
    return new FakeLedger.Recorded(tenantId, "cust-1", orderId);
  }

  private FakeLedger.Changing change(OrderLedger.Change change, String reason, String by) {
    return new FakeLedger.Changing(tenantId, "cust-1", orderId, change, reason, by);
  }

  /** The ledger's answer to an order it verifies and invoices at once. */
  private LedgerAnswer.Accepted verified() {
    return verified(orderId, newOrder().total());
  }

  private static LedgerAnswer.Accepted verified(String orderId, BigDecimal total) {
    return new LedgerAnswer.Accepted(OrderStatus.VERIFIED, List.of(), List.of(), InvoiceIds.forOrder(orderId), INVOICE_NUMBER,
        gross(total), false);
  }

  /** The ledger's answer to an order it holds: no invoice. */
  private static LedgerAnswer.Accepted held(List<HoldReason> reasons) {
    return new LedgerAnswer.Accepted(OrderStatus.ON_HOLD, reasons, List.of(), null, null, new BigDecimal("35.70"), false);
  }

  private LedgerAnswer.Accepted approvedAnswer() {
    return new LedgerAnswer.Accepted(OrderStatus.VERIFIED, List.of(), List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), invoiceId(),
        INVOICE_NUMBER, null, false);
  }

  private static BigDecimal gross(BigDecimal net) {
    return net.multiply(new BigDecimal("1.19")).setScale(2, RoundingMode.HALF_UP);
  }

  /** Two lines, 2 x 12.50 + 1 x 5.00 = 30.00 EUR (35.70 gross); matches none of the rules. */
  private static NewOrder newOrder() {
    return newOrder("12.50");
  }

  private static NewOrder newOrder(String unitPrice) {
    return new NewOrder("cust-1", "EUR",
        List.of(
            new OrderLine(1, "SKU-1", 2, new BigDecimal(unitPrice), new BigDecimal("25.00")),
            new OrderLine(2, "SKU-2", 1, new BigDecimal("5.00"), new BigDecimal("5.00"))),
        new BigDecimal("30.00"), "web", "PO-1");
  }

  private static NewOrder otherOrder() {
    return new NewOrder("cust-1", "EUR",
        List.of(new OrderLine(1, "SKU-1", 3, new BigDecimal("12.50"), new BigDecimal("37.50"))),
        new BigDecimal("37.50"), "web", "PO-1");
  }

  /** Over the large-order rule's 1000. */
  private static NewOrder largeOrder() {
    return new NewOrder("cust-1", "EUR",
        List.of(new OrderLine(1, "SKU-9", 1, new BigDecimal("1500.00"), new BigDecimal("1500.00"))),
        new BigDecimal("1500.00"), "web", null);
  }

  private void place(NewOrder request) {
    assertInstanceOf(OrderResult.Ok.class, run(r -> new Place(request, "idem-1", "shop", r)).reply());
  }

  private void placeOnHold() {
    ledger.answerPlacements(held(List.of(OVER_LIMIT)));
    place(newOrder());
    assertEquals(OrderStatus.ON_HOLD, order.getState().status());
  }

  private void ship() {
    assertInstanceOf(OrderResult.Ok.class, run(r -> new Ship("bob", "DHL", "JD0001", r)).reply());
  }

  private boolean isRecorded() {
    var result = this.<Boolean>runFor(IsRecorded::new);
    assertEquals(List.of(), result.events());
    return result.reply();
  }

  /** Drives the order to a status along the state machine, through the fake ledger's default answers. */
  private void bringTo(OrderStatus status) {
    switch (status) {
      case VERIFIED -> place(newOrder());
      case ON_HOLD -> placeOnHold();
      case REJECTED -> {
        placeOnHold();
        run(r -> new Reject("carol", "no", r));
      }
      case CANCELLED -> {
        place(newOrder());
        run(r -> new Cancel("carol", "no", r));
      }
      case SHIPPED -> {
        place(newOrder());
        ship();
      }
      case DELIVERED -> {
        place(newOrder());
        ship();
        run(r -> new Deliver("dave", null, r));
      }
    }
    assertEquals(status, order.getState().status());
  }

  private void assertNewPlacementWorks() {
    ledger.answerPlacementsWith(request -> CompletableFuture.completedFuture(verified(request.orderId(), request.order().total())));
    var retry = run(r -> new Place(newOrder(), "idem-1", "shop", r));
    var ok = assertInstanceOf(OrderResult.Ok.class, retry.reply());
    assertFalse(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals(List.of(Placed.class), classes(retry.events()));
    assertEquals(List.of(recorded()), ledger.recorded);
  }

  private List<Object> journal() {
    return order.persistenceTestKit().persistedInStorage("Order|" + entityId);
  }

  private List<Object> eventsTagged(String tag) throws Exception {
    var queries = PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    return queries.currentEventsByTag(tag, NoOffset.getInstance())
        .filter(envelope -> envelope.persistenceId().equals("Order|" + entityId))
        .map(EventEnvelope::event)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void assertRecoversToTheSameState() {
    var before = order.getState();
    var after = order.restart().state();
    assertEquals(before, after);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Class<?>> classes(List<?> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  private static void assertSameLines(List<OrderLine> expected, List<OrderLine> actual) {
    assertEquals(expected.size(), actual.size());
    IntStream.range(0, expected.size()).forEach(i -> {
      var e = expected.get(i);
      var a = actual.get(i);
      assertEquals(e.lineNumber(), a.lineNumber());
      assertEquals(e.sku(), a.sku());
      assertEquals(e.quantity(), a.quantity());
      assertMoney(e.unitPrice().toPlainString(), a.unitPrice());
      assertMoney(e.lineTotal().toPlainString(), a.lineTotal());
    });
  }

  private static OrderResult.Failed assertRejected(Rejection.Kind kind, OrderResult result) {
    var failed = assertInstanceOf(OrderResult.Failed.class, result);
    assertEquals(kind, failed.rejection().kind(), failed.rejection().detail());
    return failed;
  }

  private static void assertIllegal(OrderStatus current, OrderResult result) {
    var failed = assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, result);
    assertEquals(Map.of("currentStatus", current.name()), failed.rejection().details());
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }
}
