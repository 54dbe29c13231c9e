package dev.o2c.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.account.CreditDecision;
import dev.o2c.account.CreditIssue;
import dev.o2c.account.CustomerCredit;
import dev.o2c.account.ReservationStatus;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.order.Order.Approve;
import dev.o2c.order.Order.Approved;
import dev.o2c.order.Order.Cancel;
import dev.o2c.order.Order.Cancelled;
import dev.o2c.order.Order.Command;
import dev.o2c.order.Order.Deliver;
import dev.o2c.order.Order.Delivered;
import dev.o2c.order.Order.Event;
import dev.o2c.order.Order.Get;
import dev.o2c.order.Order.GetReservationStatus;
import dev.o2c.order.Order.Place;
import dev.o2c.order.Order.Placed;
import dev.o2c.order.Order.Reject;
import dev.o2c.order.Order.Rejected;
import dev.o2c.order.Order.Ship;
import dev.o2c.order.Order.Shipped;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.PersistenceQuery;
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
 * The order entity against a fake customer account: placement (idempotent, held, refused,
 * unavailable, automation rules), requests while the account's answer is in flight, approval,
 * every transition from every state, the reservation status the account asks for, and recovery.
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
  /** Every test has an order of its own: the journal is shared by the whole class. */
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private final FakeCredit credit = new FakeCredit();
  private String entityId;
  private String orderId;
  private EventSourcedBehaviorTestKit<Command, Event, OrderState> order;

  @BeforeEach
  void startOrder() {
    startOrder("acme", SETTINGS);
  }

  private void startOrder(String tenantId, OrderSettings settings) {
    orderId = "ord_" + IDS.incrementAndGet();
    entityId = tenantId + ":" + orderId;
    // Commands, events and state must also come back from serialization equal to what went in.
    order = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        Order.create(entityId, new Order.Dependencies(clock, credit, settings)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- Placement --------------------------------------------------------------------------------

  @Test
  void placing_an_order_the_customer_covers_persists_it_verified_and_answers_it() {
    var request = newOrder();

    var result = order.<OrderResult>runCommand(r -> new Place(request, "idem-1", "shop", r));

    assertEquals(List.of(FakeCredit.reserve("acme", "cust-1", orderId, "30.00", "EUR", false, "shop")), credit.calls);
    var ok = assertInstanceOf(OrderResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    var view = ok.order();
    assertEquals(orderId, view.orderId());
    assertEquals("cust-1", view.customerId());
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(PaymentStatus.UNPAID, view.paymentStatus());
    assertEquals("EUR", view.currency());
    assertMoney("30.00", view.total());
    assertSameLines(request.lines(), view.lines());
    assertEquals("web", view.channel());
    assertEquals("PO-1", view.externalReference());
    assertEquals(List.of(), view.holdReasons());
    assertNull(view.reviewQueue());
    assertNull(view.invoiceId());
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

    assertEquals(OrderStatus.VERIFIED, result.state().status());
    assertEquals(placed, result.state().placed());
    assertRecoversToTheSameState();
  }

  @Test
  void every_event_of_an_order_is_tagged_with_the_orders_bucket() throws Exception {
    place(newOrder());
    ship();
    order.<OrderResult>runCommand(r -> new Deliver("dave", "signed", r));
    var tag = SETTINGS.tag(entityId);

    var tagged = eventsTagged(tag);

    assertEquals(List.of(Placed.class, Shipped.class, Delivered.class), tagged.stream().map(Object::getClass).toList());
    for (int bucket = 0; bucket < SETTINGS.tagBuckets(); bucket++) {
      var other = "order-" + bucket;
      if (!other.equals(tag)) {
        assertEquals(List.of(), eventsTagged(other), "events under " + other);
      }
    }
  }

  @Test
  void placing_the_same_request_again_answers_the_first_answer_without_asking_the_customer() {
    place(newOrder());
    clock.advance(Duration.ofHours(1));
    ship();

    // The same request, its prices written differently (12.5 for 12.50).
    var retry = order.<OrderResult>runCommand(r -> new Place(newOrder("12.5"), "idem-1", "shop", r));

    var ok = assertInstanceOf(OrderResult.Ok.class, retry.reply());
    assertTrue(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertMoney("30.00", ok.order().total());
    assertEquals(T0, ok.order().updatedAt());
    assertEquals(1, ok.order().history().size());
    assertTrue(retry.hasNoEvents());
    assertEquals(1, credit.calls.size(), "the customer is asked once");
    assertEquals(OrderStatus.SHIPPED, retry.state().status());
  }

  @Test
  void placing_another_request_under_the_same_order_id_is_refused_as_key_reused() {
    place(newOrder());
    var before = order.getState();

    var other = order.<OrderResult>runCommand(r -> new Place(otherOrder(), "idem-1", "shop", r));

    assertRejected(Rejection.Kind.KEY_REUSED, other.reply());
    assertTrue(other.hasNoEvents());
    assertEquals(1, credit.calls.size());
    assertEquals(before, other.state());
  }

  @Test
  void an_order_beyond_the_available_credit_is_placed_on_hold_for_the_credit_limit() {
    credit.answer(new CreditDecision.NotReserved(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), new BigDecimal("10.00")));

    var result = order.<OrderResult>runCommand(r -> new Place(newOrder(), "idem-1", "shop", r));

    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.ON_HOLD, view.status());
    assertEquals(List.of("CREDIT_LIMIT_EXCEEDED"), codes(view.holdReasons()));
    var hold = view.holdReasons().get(0);
    assertNull(hold.rule());
    assertTrue(hold.detail().contains("30.00 EUR") && hold.detail().contains("10.00 EUR"), hold.detail());
    assertEquals(List.of(new OrderState.HistoryEntry(OrderStatus.ON_HOLD, T0, "shop", "placed and held")), view.history());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(1, result.events().size());
    assertEquals(OrderStatus.ON_HOLD, placed.status());
    assertEquals(view.holdReasons(), placed.holdReasons());
    assertEquals(OrderStatus.ON_HOLD, result.state().status());
    assertRecoversToTheSameState();
  }

  @Test
  void an_order_of_a_customer_on_credit_hold_is_placed_on_hold_for_the_credit_hold() {
    credit.answer(new CreditDecision.NotReserved(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), new BigDecimal("1000.00")));

    var result = order.<OrderResult>runCommand(r -> new Place(newOrder(), "idem-1", "shop", r));

    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.ON_HOLD, view.status());
    assertEquals(List.of("CUSTOMER_CREDIT_HOLD"), codes(view.holdReasons()));
    assertEquals(OrderStatus.ON_HOLD, assertInstanceOf(Placed.class, result.events().get(0)).status());
  }

  @ParameterizedTest
  @EnumSource(CreditDecision.Reason.class)
  void a_refusing_customer_makes_the_placement_unprocessable_and_nothing_is_stored(CreditDecision.Reason reason) {
    credit.answer(new CreditDecision.Refused(reason, "refused: " + reason));

    var result = order.<OrderResult>runCommand(r -> new Place(newOrder(), "idem-1", "shop", r));

    var failed = assertRejected(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertEquals("refused: " + reason, failed.rejection().detail());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().exists());
    assertNewPlacementWorks();
  }

  @Test
  void a_customer_account_that_does_not_answer_makes_the_placement_unavailable_and_nothing_is_stored() {
    credit.answerWith(call -> CompletableFuture.failedFuture(new TimeoutException("Ask timed out after 3000 ms")));

    var result = order.<OrderResult>runCommand(r -> new Place(newOrder(), "idem-1", "shop", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().exists());
    assertNewPlacementWorks();
  }

  // --- Automation rules -------------------------------------------------------------------------

  @Test
  void a_hold_rule_only_checks_the_credit_and_holds_the_order_with_the_rules_reason() {
    credit.answer(new CreditDecision.NotReserved(List.of(), new BigDecimal("5000.00")));

    var result = order.<OrderResult>runCommand(r -> new Place(largeOrder(), "idem-1", "shop", r));

    assertEquals(List.of(FakeCredit.check("acme", "cust-1", "1500.00", "EUR")), credit.calls);
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.ON_HOLD, view.status());
    assertEquals(List.of(new HoldReason("LARGE_ORDER", "Held by rule large-order.", "large-order")), view.holdReasons());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(OrderStatus.ON_HOLD, placed.status());
    assertEquals(view.holdReasons(), placed.holdReasons());
    assertEquals(ReservationStatus.State.NOT_RESERVING, reservationStatus().state());
  }

  @Test
  void a_hold_rule_and_a_credit_issue_hold_the_order_for_both() {
    credit.answer(new CreditDecision.NotReserved(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), new BigDecimal("200.00")));

    var result = order.<OrderResult>runCommand(r -> new Place(largeOrder(), "idem-1", "shop", r));

    assertEquals("check", credit.calls.get(0).method());
    assertEquals(1, credit.calls.size());
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.ON_HOLD, view.status());
    assertEquals(List.of("LARGE_ORDER", "CREDIT_LIMIT_EXCEEDED"), codes(view.holdReasons()));
    assertEquals(view.holdReasons(), assertInstanceOf(Placed.class, result.events().get(0)).holdReasons());
  }

  @Test
  void a_hold_rule_for_a_blocked_customer_is_unprocessable() {
    credit.answer(new CreditDecision.Refused(CreditDecision.Reason.CUSTOMER_BLOCKED, "blocked"));

    var result = order.<OrderResult>runCommand(r -> new Place(largeOrder(), "idem-1", "shop", r));

    assertEquals("check", credit.calls.get(0).method());
    assertRejected(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void an_alert_rule_records_the_alert_and_the_order_is_verified() {
    var giftCards = new NewOrder("cust-1", "EUR",
        List.of(new OrderLine(1, "GIFT-CARD", 2, new BigDecimal("25.00"), new BigDecimal("50.00"))),
        new BigDecimal("50.00"), "web", null);

    var result = order.<OrderResult>runCommand(r -> new Place(giftCards, "idem-1", "shop", r));

    assertEquals("reserve", credit.calls.get(0).method());
    assertEquals(OrderStatus.VERIFIED, assertInstanceOf(OrderResult.Ok.class, result.reply()).order().status());
    var placed = assertInstanceOf(Placed.class, result.events().get(0));
    assertEquals(List.of(new RuleAlert("gift-cards", "Gift card order: check for fraud.")), placed.alerts());
    assertEquals(OrderStatus.VERIFIED, placed.status());
    assertEquals(List.of(), placed.holdReasons());
  }

  @Test
  void a_route_rule_sends_the_order_to_its_review_queue() {
    var b2b = new NewOrder("cust-1", "EUR", newOrder().lines(), new BigDecimal("30.00"), "b2b-portal", "PO-7");

    var result = order.<OrderResult>runCommand(r -> new Place(b2b, "idem-1", "shop", r));

    assertEquals("reserve", credit.calls.get(0).method());
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals("b2b-review", view.reviewQueue());
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals("b2b-review", assertInstanceOf(Placed.class, result.events().get(0)).reviewQueue());
    assertRecoversToTheSameState();
  }

  @Test
  void the_rules_of_one_tenant_do_not_apply_to_another() {
    startOrder("globex", SETTINGS);

    var result = order.<OrderResult>runCommand(r -> new Place(largeOrder(), "idem-1", "shop", r));

    assertEquals(List.of(FakeCredit.reserve("globex", "cust-1", orderId, "1500.00", "EUR", false, "shop")), credit.calls);
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(List.of(), view.holdReasons());
  }

  // --- While the customer's answer is in flight -------------------------------------------------

  @Test
  void a_second_placement_while_the_first_is_in_flight_is_refused_and_the_first_completes() {
    var answer = new CompletableFuture<CreditDecision>();
    credit.answerWith(call -> answer);
    var first = testKit.<OrderResult>createTestProbe();

    var placing = order.runCommand(new Place(newOrder(), "idem-1", "shop", first.ref()));
    var same = order.<OrderResult>runCommand(r -> new Place(newOrder(), "idem-1", "shop", r));
    var different = order.<OrderResult>runCommand(r -> new Place(otherOrder(), "idem-1", "shop", r));

    assertTrue(placing.hasNoEvents());
    assertRejected(Rejection.Kind.IN_FLIGHT, same.reply());
    assertTrue(same.hasNoEvents());
    assertRejected(Rejection.Kind.KEY_REUSED, different.reply());
    assertTrue(different.hasNoEvents());
    assertFalse(order.getState().exists());
    assertEquals(1, credit.calls.size(), "only the first placement asks the customer");

    answer.complete(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of()));

    var ok = assertInstanceOf(OrderResult.Ok.class, first.receiveMessage(Duration.ofSeconds(5)));
    assertFalse(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals(List.of(Placed.class), journal().stream().map(Object::getClass).toList());
    assertEquals(OrderStatus.VERIFIED, order.getState().status());
  }

  @Test
  void a_cancel_sent_while_the_placement_is_in_flight_waits_and_is_answered_after_it() {
    var answer = new CompletableFuture<CreditDecision>();
    credit.answerWith(call -> answer);
    var placer = testKit.<OrderResult>createTestProbe();
    var canceller = testKit.<OrderResult>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", placer.ref()));

    var cancelling = order.runCommand(new Cancel("carol", "customer changed their mind", canceller.ref()));

    assertTrue(cancelling.hasNoEvents());
    canceller.expectNoMessage(Duration.ofMillis(200));

    answer.complete(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of()));

    assertEquals(OrderStatus.VERIFIED,
        assertInstanceOf(OrderResult.Ok.class, placer.receiveMessage(Duration.ofSeconds(5))).order().status());
    assertEquals(OrderStatus.CANCELLED,
        assertInstanceOf(OrderResult.Ok.class, canceller.receiveMessage(Duration.ofSeconds(5))).order().status());
    assertEquals(List.of(Placed.class, Cancelled.class), journal().stream().map(Object::getClass).toList());
    assertEquals(OrderStatus.CANCELLED, order.getState().status());
    assertRecoversToTheSameState();
  }

  @Test
  void a_cancel_waiting_on_a_placement_that_fails_is_answered_not_found() {
    var answer = new CompletableFuture<CreditDecision>();
    credit.answerWith(call -> answer);
    var placer = testKit.<OrderResult>createTestProbe();
    var canceller = testKit.<OrderResult>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", placer.ref()));
    order.runCommand(new Cancel("carol", "changed mind", canceller.ref()));

    answer.completeExceptionally(new TimeoutException("Ask timed out"));

    assertRejected(Rejection.Kind.UNAVAILABLE, placer.receiveMessage(Duration.ofSeconds(5)));
    assertRejected(Rejection.Kind.NOT_FOUND, canceller.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(List.of(), journal());
  }

  @Test
  void a_reservation_status_asked_while_the_placement_is_in_flight_is_answered_after_it() {
    var answer = new CompletableFuture<CreditDecision>();
    credit.answerWith(call -> answer);
    var asker = testKit.<ReservationStatus>createTestProbe();
    order.runCommand(new Place(newOrder(), "idem-1", "shop", testKit.<OrderResult>createTestProbe().ref()));
    order.runCommand(new GetReservationStatus(asker.ref()));

    answer.complete(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of()));

    var status = asker.receiveMessage(Duration.ofSeconds(5));
    assertEquals(ReservationStatus.State.RESERVING, status.state());
    assertMoney("30.00", status.amount());
  }

  // --- Approval ---------------------------------------------------------------------------------

  @Test
  void approving_a_held_order_reserves_with_an_override_and_verifies_it() {
    placeOnHold();
    credit.answer(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED)));
    var later = clock.advance(Duration.ofHours(1));

    var result = order.<OrderResult>runCommand(r -> new Approve("alice", "known customer", r));

    assertEquals(FakeCredit.reserve("acme", "cust-1", orderId, "30.00", "EUR", true, "alice"), credit.calls.get(1));
    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(OrderStatus.VERIFIED, view.status());
    assertEquals(new OrderState.Approval("alice", later, List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), "known customer"), view.approval());
    assertEquals(1, result.events().size());
    var approved = assertInstanceOf(Approved.class, result.events().get(0));
    assertEquals("cust-1", approved.customerId());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), approved.overridden());
    assertEquals("alice", approved.by());
    assertEquals("known customer", approved.note());
    assertEquals(later, approved.at());
    var state = result.state();
    assertEquals(OrderStatus.VERIFIED, state.status());
    assertEquals("alice", state.approval().by());
    assertEquals(new OrderState.HistoryEntry(OrderStatus.VERIFIED, later, "alice", "approved, overriding CREDIT_LIMIT_EXCEEDED"),
        state.history().get(state.history().size() - 1));
    assertEquals(ReservationStatus.State.RESERVING, reservationStatus().state());
    assertRecoversToTheSameState();
  }

  @Test
  void approving_with_nothing_to_override_records_no_override() {
    placeOnHold();
    credit.answer(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of()));

    var result = order.<OrderResult>runCommand(r -> new Approve("alice", null, r));

    assertEquals(List.of(), assertInstanceOf(Approved.class, result.events().get(0)).overridden());
    assertEquals(List.of(), result.state().approval().overridden());
    assertEquals("approved", result.state().history().get(1).note());
  }

  @ParameterizedTest
  @EnumSource(value = OrderStatus.class, names = {"VERIFIED", "SHIPPED", "DELIVERED", "REJECTED", "CANCELLED"})
  void approving_an_order_that_is_not_held_is_refused_with_its_status(OrderStatus status) {
    bringTo(status);
    var before = order.getState();
    var callsBefore = credit.calls.size();

    var result = order.<OrderResult>runCommand(r -> new Approve("alice", null, r));

    assertIllegal(status, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
    assertEquals(callsBefore, credit.calls.size(), "the customer is not asked");
  }

  @Test
  void approving_for_a_blocked_customer_is_unprocessable_and_the_order_stays_held() {
    placeOnHold();
    credit.answer(new CreditDecision.Refused(CreditDecision.Reason.CUSTOMER_BLOCKED, "Customer cust-1 is blocked."));

    var result = order.<OrderResult>runCommand(r -> new Approve("alice", null, r));

    assertTrue(credit.calls.get(1).override());
    var failed = assertRejected(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertEquals("Customer cust-1 is blocked.", failed.rejection().detail());
    assertTrue(result.hasNoEvents());
    assertEquals(OrderStatus.ON_HOLD, result.state().status());
  }

  @Test
  void an_approval_the_customer_does_not_answer_is_unavailable_and_can_be_retried() {
    placeOnHold();
    credit.answerWith(call -> CompletableFuture.failedFuture(new TimeoutException("Ask timed out")));

    var result = order.<OrderResult>runCommand(r -> new Approve("alice", null, r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(OrderStatus.ON_HOLD, result.state().status());

    credit.answer(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED)));
    var retry = order.<OrderResult>runCommand(r -> new Approve("alice", null, r));
    assertEquals(OrderStatus.VERIFIED, assertInstanceOf(OrderResult.Ok.class, retry.reply()).order().status());
  }

  @Test
  void a_second_approval_while_one_is_in_progress_is_refused_as_in_progress() {
    placeOnHold();
    var answer = new CompletableFuture<CreditDecision>();
    credit.answerWith(call -> answer);
    var approver = testKit.<OrderResult>createTestProbe();
    order.runCommand(new Approve("alice", "first", approver.ref()));

    var second = order.<OrderResult>runCommand(r -> new Approve("bob", "second", r));

    assertRejected(Rejection.Kind.IN_PROGRESS, second.reply());
    assertTrue(second.hasNoEvents());
    assertEquals(2, credit.calls.size(), "placement and one approval");

    answer.complete(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED)));

    var ok = assertInstanceOf(OrderResult.Ok.class, approver.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals("alice", ok.order().approval().by());
    assertEquals(List.of(Placed.class, Approved.class), journal().stream().map(Object::getClass).toList());
  }

  // --- Every transition from every state --------------------------------------------------------

  /** The changes besides approval, with the states the domain allows each from (docs: order states). */
  enum Change {
    REJECT(Rejected.class, OrderStatus.REJECTED, "fraud suspected", OrderStatus.ON_HOLD),
    CANCEL(Cancelled.class, OrderStatus.CANCELLED, "customer withdrew", OrderStatus.VERIFIED, OrderStatus.ON_HOLD),
    SHIP(Shipped.class, OrderStatus.SHIPPED, null, OrderStatus.VERIFIED),
    DELIVER(Delivered.class, OrderStatus.DELIVERED, "signed by J. Doe", OrderStatus.SHIPPED);

    final Class<? extends Event> event;
    final OrderStatus to;
    final String note;
    final Set<OrderStatus> from;

    Change(Class<? extends Event> event, OrderStatus to, String note, OrderStatus... from) {
      this.event = event;
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
  }

  static Stream<Arguments> allowedChanges() {
    return Arrays.stream(Change.values()).flatMap(c -> c.from.stream().map(s -> Arguments.of(c, s)));
  }

  static Stream<Arguments> refusedChanges() {
    return Arrays.stream(Change.values())
        .flatMap(c -> Arrays.stream(OrderStatus.values()).filter(s -> !c.from.contains(s)).map(s -> Arguments.of(c, s)));
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("allowedChanges")
  void an_allowed_change_persists_its_event_and_records_it_in_the_history(Change change, OrderStatus from) {
    bringTo(from);
    var historyBefore = order.getState().history();
    var later = clock.advance(Duration.ofHours(2));

    var result = order.<OrderResult>runCommand(r -> change.command("erin", r));

    var view = assertInstanceOf(OrderResult.Ok.class, result.reply()).order();
    assertEquals(change.to, view.status());
    assertEquals(later, view.updatedAt());
    assertEquals(1, result.events().size());
    var event = result.events().get(0);
    assertInstanceOf(change.event, event);
    if (event instanceof Rejected e) {
      assertEquals(List.of("cust-1", "fraud suspected", "erin", later), Arrays.asList(e.customerId(), e.reason(), e.by(), e.at()));
    } else if (event instanceof Cancelled e) {
      assertEquals(List.of("cust-1", "customer withdrew", "erin", later), Arrays.asList(e.customerId(), e.reason(), e.by(), e.at()));
    } else if (event instanceof Shipped e) {
      assertEquals(List.of("DHL", "JD0001", "erin", later), Arrays.asList(e.carrier(), e.trackingNumber(), e.by(), e.at()));
    } else if (event instanceof Delivered e) {
      assertEquals(List.of("signed by J. Doe", "erin", later), Arrays.asList(e.note(), e.by(), e.at()));
    }
    var expectedHistory = new ArrayList<>(historyBefore);
    expectedHistory.add(new OrderState.HistoryEntry(change.to, later, "erin", change.note));
    assertEquals(expectedHistory, result.state().history());
    assertEquals(change.to, result.state().status());
    if (change == Change.SHIP) {
      assertEquals(new OrderState.Shipment("DHL", "JD0001", later), result.state().shipment());
    }
    assertRecoversToTheSameState();
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("refusedChanges")
  void a_change_not_allowed_from_the_current_status_is_refused_with_that_status(Change change, OrderStatus from) {
    bringTo(from);
    var before = order.getState();

    var result = order.<OrderResult>runCommand(r -> change.command("erin", r));

    assertIllegal(from, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
  }

  @Test
  void every_command_on_a_missing_order_is_not_found_and_persists_nothing() {
    List<Function<ActorRef<OrderResult>, Command>> commands = List.of(
        Get::new,
        r -> new Approve("alice", null, r),
        r -> Change.REJECT.command("alice", r),
        r -> Change.CANCEL.command("alice", r),
        r -> Change.SHIP.command("alice", r),
        r -> Change.DELIVER.command("alice", r));

    for (var command : commands) {
      var result = order.runCommand(command);
      assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
      assertTrue(result.hasNoEvents());
    }
    assertFalse(order.getState().exists());
    assertEquals(List.of(), credit.calls);
  }

  @Test
  void the_history_records_every_status_with_who_and_why() {
    placeOnHold();
    credit.answer(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED)));
    var t1 = clock.advance(Duration.ofHours(1));
    order.<OrderResult>runCommand(r -> new Approve("alice", "known customer", r));
    var t2 = clock.advance(Duration.ofHours(1));
    order.<OrderResult>runCommand(r -> new Ship("bob", "UPS", "1Z999", r));
    var t3 = clock.advance(Duration.ofDays(2));

    var result = order.<OrderResult>runCommand(r -> new Deliver("dave", "left at the door", r));

    var expected = List.of(
        new OrderState.HistoryEntry(OrderStatus.ON_HOLD, T0, "shop", "placed and held"),
        new OrderState.HistoryEntry(OrderStatus.VERIFIED, t1, "alice", "approved, overriding CREDIT_LIMIT_EXCEEDED"),
        new OrderState.HistoryEntry(OrderStatus.SHIPPED, t2, "bob", null),
        new OrderState.HistoryEntry(OrderStatus.DELIVERED, t3, "dave", "left at the door"));
    assertEquals(expected, assertInstanceOf(OrderResult.Ok.class, result.reply()).order().history());
    assertEquals(expected, result.state().history());
    var get = order.<OrderResult>runCommand(Get::new);
    assertEquals(expected, assertInstanceOf(OrderResult.Ok.class, get.reply()).order().history());
    assertTrue(get.hasNoEvents());
    assertRecoversToTheSameState();
  }

  // --- Reservation status -----------------------------------------------------------------------

  @Test
  void a_missing_order_reports_its_reservation_as_unknown() {
    var result = order.<ReservationStatus>runCommand(GetReservationStatus::new);

    assertEquals(ReservationStatus.State.UNKNOWN, result.reply().state());
    assertTrue(result.hasNoEvents());
  }

  @ParameterizedTest
  @EnumSource(value = OrderStatus.class, names = {"VERIFIED", "SHIPPED", "DELIVERED"})
  void an_order_that_holds_credit_reports_reserving_its_total(OrderStatus status) {
    bringTo(status);

    var reservation = reservationStatus();

    assertEquals(ReservationStatus.State.RESERVING, reservation.state());
    assertMoney("30.00", reservation.amount());
  }

  @ParameterizedTest
  @EnumSource(value = OrderStatus.class, names = {"ON_HOLD", "REJECTED", "CANCELLED"})
  void an_order_that_holds_no_credit_reports_not_reserving(OrderStatus status) {
    bringTo(status);

    assertEquals(ReservationStatus.State.NOT_RESERVING, reservationStatus().state());
  }

  // --- Recovery from a snapshot -------------------------------------------------------------------

  @Test
  void recovery_from_a_snapshot_and_the_events_after_it_gives_the_same_state() {
    startOrder("acme", new OrderSettings(100, 4, 2, Duration.ofSeconds(3), 1000, 8, Map.of("acme", RULES)));
    placeOnHold();
    credit.answer(new CreditDecision.Reserved(new BigDecimal("30.00"), List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED)));
    order.<OrderResult>runCommand(r -> new Approve("alice", "known customer", r));
    ship();

    var snapshots = order.snapshotTestKit().orElseThrow().persistedInStorage("Order|" + entityId);
    assertFalse(snapshots.isEmpty(), "snapshots every 2 events");
    assertRecoversToTheSameState();
    var state = order.getState();
    assertEquals(OrderStatus.SHIPPED, state.status());
    assertEquals("alice", state.approval().by());
    assertEquals(3, state.history().size());
  }

  // --- Helpers ----------------------------------------------------------------------------------

  /** A customer account whose answers each test sets, recording every question. */
  static final class FakeCredit implements CustomerCredit {

    record Call(String method, String tenantId, String customerId, String orderId, BigDecimal amount, String currency,
        boolean override, String by) {

      /** Amounts by value, not scale: 30.0 and 30.00 are one call. */
      @Override
      public boolean equals(Object o) {
        return o instanceof Call c && method.equals(c.method) && tenantId.equals(c.tenantId) && customerId.equals(c.customerId)
            && java.util.Objects.equals(orderId, c.orderId) && amount.compareTo(c.amount) == 0 && currency.equals(c.currency)
            && override == c.override && java.util.Objects.equals(by, c.by);
      }

      @Override
      public int hashCode() {
        return java.util.Objects.hash(method, tenantId, customerId, orderId, currency, override, by);
      }
    }

    static Call reserve(String tenantId, String customerId, String orderId, String amount, String currency, boolean override,
        String by) {
      return new Call("reserve", tenantId, customerId, orderId, new BigDecimal(amount), currency, override, by);
    }

    static Call check(String tenantId, String customerId, String amount, String currency) {
      return new Call("check", tenantId, customerId, null, new BigDecimal(amount), currency, false, null);
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** By default the credit covers every order. */
    private volatile Function<Call, CompletionStage<CreditDecision>> answers = call -> CompletableFuture.completedFuture(
        call.method().equals("reserve")
            ? new CreditDecision.Reserved(call.amount(), List.of())
            : new CreditDecision.NotReserved(List.of(), new BigDecimal("10000.00")));

    void answer(CreditDecision decision) {
      answerWith(call -> CompletableFuture.completedFuture(decision));
    }

    void answerWith(Function<Call, CompletionStage<CreditDecision>> answers) {
      this.answers = answers;
    }

    @Override
    public CompletionStage<CreditDecision> reserve(
        String tenantId, String customerId, String orderId, BigDecimal amount, String currency, boolean override, String by) {
      var call = new Call("reserve", tenantId, customerId, orderId, amount, currency, override, by);
      calls.add(call);
      return answers.apply(call);
    }

    @Override
    public CompletionStage<CreditDecision> check(String tenantId, String customerId, BigDecimal amount, String currency) {
      var call = new Call("check", tenantId, customerId, null, amount, currency, false, null);
      calls.add(call);
      return answers.apply(call);
    }
  }

  /** Two lines, 2 x 12.50 + 1 x 5.00 = 30.00 EUR; matches none of the rules. */
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
    var result = order.<OrderResult>runCommand(r -> new Place(request, "idem-1", "shop", r));
    assertInstanceOf(OrderResult.Ok.class, result.reply());
  }

  private void placeOnHold() {
    credit.answer(new CreditDecision.NotReserved(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), new BigDecimal("10.00")));
    place(newOrder());
    assertEquals(OrderStatus.ON_HOLD, order.getState().status());
  }

  private void ship() {
    assertInstanceOf(OrderResult.Ok.class, order.<OrderResult>runCommand(r -> new Ship("bob", "DHL", "JD0001", r)).reply());
  }

  /** Drives the order to a status along the state machine. */
  private void bringTo(OrderStatus status) {
    switch (status) {
      case VERIFIED -> place(newOrder());
      case ON_HOLD -> placeOnHold();
      case REJECTED -> {
        placeOnHold();
        order.<OrderResult>runCommand(r -> new Reject("carol", "no", r));
      }
      case CANCELLED -> {
        place(newOrder());
        order.<OrderResult>runCommand(r -> new Cancel("carol", "no", r));
      }
      case SHIPPED -> {
        place(newOrder());
        ship();
      }
      case DELIVERED -> {
        place(newOrder());
        ship();
        order.<OrderResult>runCommand(r -> new Deliver("dave", null, r));
      }
    }
    assertEquals(status, order.getState().status());
  }

  private ReservationStatus reservationStatus() {
    var result = order.<ReservationStatus>runCommand(GetReservationStatus::new);
    assertTrue(result.hasNoEvents());
    return result.reply();
  }

  private void assertNewPlacementWorks() {
    credit.answerWith(call -> CompletableFuture.completedFuture(new CreditDecision.Reserved(call.amount(), List.of())));
    var retry = order.<OrderResult>runCommand(r -> new Place(newOrder(), "idem-1", "shop", r));
    var ok = assertInstanceOf(OrderResult.Ok.class, retry.reply());
    assertFalse(ok.replayed());
    assertEquals(OrderStatus.VERIFIED, ok.order().status());
    assertEquals(1, retry.events().size());
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

  private static List<String> codes(List<HoldReason> reasons) {
    return reasons.stream().map(HoldReason::code).toList();
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
