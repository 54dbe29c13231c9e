package dev.o2c.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.payment.Payment.Allocate;
import dev.o2c.payment.Payment.Attribute;
import dev.o2c.payment.Payment.Attributed;
import dev.o2c.payment.Payment.Command;
import dev.o2c.payment.Payment.Event;
import dev.o2c.payment.Payment.Get;
import dev.o2c.payment.Payment.Heal;
import dev.o2c.payment.Payment.OutcomeRecorded;
import dev.o2c.payment.Payment.Receive;
import dev.o2c.payment.Payment.Received;
import dev.o2c.payment.Payment.RecordOutcome;
import dev.o2c.payment.Payment.Reverse;
import dev.o2c.payment.Payment.Reversed;
import dev.o2c.payment.Payment.Unallocate;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
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

/**
 * The payment entity against a fake account side whose answers the test controls: receiving
 * (unattributed, attributed, account failures, retries, bank-reference duplicates, requests in
 * flight; the answer going out before the outcome is stored), attribution after receiving,
 * healing, manual allocation and unallocation, reversal, outcomes the account reports, tags and
 * recovery.
 */
class PaymentTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "PaymentTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-11-02");
  private static final PaymentSettings.Tenant DEFAULTS = new PaymentSettings.Tenant(Map.of(), null, true);
  private static final PaymentSettings SETTINGS =
      new PaymentSettings(Map.of(), DEFAULTS, 100, 4, 4, 100, Duration.ofSeconds(3));
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private FakeAccounts accounts;
  private String paymentId;
  private String entityId;
  private EventSourcedBehaviorTestKit<Command, Event, PaymentState> payment;

  @BeforeEach
  void startPayment() {
    accounts = new FakeAccounts();
    paymentId = "pay_" + IDS.incrementAndGet();
    entityId = "acme:" + paymentId;
    // Commands, events and state must also come back from serialization equal to what went in.
    payment = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        Payment.create(entityId, new Payment.Dependencies(clock, accounts, SETTINGS)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- Receiving: unattributed ------------------------------------------------------------------

  @Test
  void an_unattributed_payment_is_stored_unapplied_without_asking_any_account() {
    var p = newPayment(null, "100.00", null, "thanks");

    var result = payment.<PaymentResult>runCommand(r -> new Receive(p, null, Attribution.NONE, "key-1", "bank-feed", r));

    var ok = assertInstanceOf(PaymentResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    assertFalse(ok.duplicate());
    var view = ok.payment();
    assertEquals(paymentId, view.paymentId());
    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, view.status());
    assertNull(view.customerId());
    assertEquals(Attribution.NONE, view.attribution());
    assertEquals("100.00", view.amount().toPlainString());
    assertEquals("100.00", view.unappliedAmount().toPlainString());
    assertEquals("0.00", view.refundedAmount().toPlainString());
    assertEquals(TODAY, view.receivedOn(), "no receivedOn: the business day of arrival");
    assertEquals(List.of(), view.allocations());
    assertNull(view.reversal());
    assertEquals(List.of(new Received(paymentId, null, Attribution.NONE, new BigDecimal("100.00"), "EUR", TODAY, "SEPA", null, "thanks",
        "key-1", p.fingerprint(), "bank-feed", T0)), result.events());
    assertEquals(List.of(), accounts.calls, "no account is asked about an unattributed payment");
    assertRecoversToTheSameState();
  }

  @Test
  void a_payment_keeps_the_received_on_day_of_its_request() {
    var p = new NewPayment(null, new BigDecimal("5.00"), "EUR", LocalDate.parse("2026-10-30"), null, null, null);

    var result = payment.<PaymentResult>runCommand(r -> new Receive(p, null, Attribution.NONE, null, "bank-feed", r));

    assertEquals(LocalDate.parse("2026-10-30"), okView(result.reply()).receivedOn());
    assertEquals(LocalDate.parse("2026-10-30"), ((Received) result.events().get(0)).receivedOn());
  }

  // --- Receiving: attributed ----------------------------------------------------------------------

  @Test
  void an_attributed_payment_is_received_first_then_applied_and_answered_with_the_accounts_outcome() {
    var answer = new CompletableFuture<PaymentLedgerResult>();
    accounts.answer(answer);
    var p = newPayment(null, "100.00", "BR-1", "INV-2026-000001");
    var attribution = new Attribution(Attribution.Method.REFERENCE, "inv-2026-000001");
    var probe = testKit.<PaymentResult>createTestProbe();

    var result = payment.runCommand(new Receive(p, "cust-1", attribution, null, "bank-feed", probe.ref()));

    var received = new Received(paymentId, "cust-1", attribution, new BigDecimal("100.00"), "EUR", TODAY, "SEPA", "BR-1",
        "INV-2026-000001", null, p.fingerprint(), "bank-feed", T0);
    assertEquals(List.of(received), result.events(), "the cash is stored before the account is asked");
    assertEquals(List.of(received), journal());
    assertEquals(List.of(new Call("apply", "acme", "cust-1", new PaymentAccounts.Received(paymentId, new BigDecimal("100.00"), "EUR",
        TODAY, "INV-2026-000001", "BR-1"), null, null)), accounts.calls);
    probe.expectNoMessage(Duration.ofMillis(200));

    var at = clock.advance(Duration.ofSeconds(1));
    var applied = entry("100.00", List.of(allocation("inv_1", "INV-2026-000001", "100.00", Rule.REFERENCE, "INV-2026-000001")),
        "0.00", 0, false);
    answer.complete(new PaymentLedgerResult.Ok(applied));

    var ok = assertInstanceOf(PaymentResult.Ok.class, probe.receiveMessage());
    payment.getState(); // answered once the write of the outcome is under way: the state is read after it
    assertEquals(List.of(received, new OutcomeRecorded("cust-1", applied, at)), journal(), "the outcome is stored behind the answer");
    assertFalse(ok.replayed());
    assertFalse(ok.duplicate());
    var view = ok.payment();
    assertEquals(PaymentEntry.PaymentStatus.APPLIED, view.status());
    assertEquals("cust-1", view.customerId());
    assertEquals(attribution, view.attribution());
    assertEquals(applied.allocations(), view.allocations());
    assertEquals("0.00", view.unappliedAmount().toPlainString());
    assertEquals(T0, view.receivedAt());
    assertEquals(at, view.updatedAt());
    assertEquals(1, accounts.calls.size());
    assertEquals(applied, payment.getState().first());
    assertRecoversToTheSameState();
  }

  @Test
  void an_account_that_does_not_answer_is_unavailable_the_payment_is_kept_and_a_retry_applies_it_once() {
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));
    var p = newPayment(null, "60.00", null, null);

    var failed = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, failed.reply());
    assertEquals(1, failed.events().size());
    assertInstanceOf(Received.class, failed.events().get(0));
    assertTrue(payment.getState().awaitingApplication());
    var pending = payment.<PaymentResult>runCommand(Get::new);
    assertEquals(PaymentEntry.PaymentStatus.PENDING, okView(pending.reply()).status());
    assertTrue(pending.hasNoEvents());

    var applied = entry("60.00", List.of(allocation("inv_1", "INV-1", "60.00", Rule.EXACT_AMOUNT, null)), "0.00", 0, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(applied)));
    var retry = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));

    var ok = assertInstanceOf(PaymentResult.Ok.class, retry.reply());
    assertFalse(ok.duplicate());
    assertEquals(PaymentEntry.PaymentStatus.APPLIED, ok.payment().status());
    assertEquals(List.of(new OutcomeRecorded("cust-1", applied, T0)), retry.events(), "Received is not stored again");
    assertEquals(2, accounts.callsOf("apply"), "the account was asked again (it applies once per payment id)");

    var again = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));

    var replayed = assertInstanceOf(PaymentResult.Ok.class, again.reply());
    assertTrue(replayed.replayed());
    assertFalse(replayed.duplicate());
    assertEquals(ok.payment(), replayed.payment());
    assertTrue(again.hasNoEvents());
    assertEquals(2, accounts.callsOf("apply"), "an applied payment is not sent to the account again");
    assertEquals(2, journal().size());
    assertRecoversToTheSameState();
  }

  @Test
  void an_account_that_refuses_the_payment_passes_its_rejection_on_and_keeps_the_payment() {
    var refusal = Rejection.of(Rejection.Kind.UNPROCESSABLE, "There is no such customer.");
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Failed(refusal)));

    var result = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "10.00", null, null), "cust-1", Attribution.GIVEN, "key-1", "api", r));

    assertEquals(new PaymentResult.Failed(refusal), result.reply());
    assertEquals(1, journal().size(), "only Received");
    assertTrue(payment.getState().awaitingApplication());
  }

  @Test
  void heal_applies_a_payment_awaiting_application() {
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));
    payment.<PaymentResult>runCommand(r -> new Receive(newPayment(null, "60.00", null, null), "cust-1", Attribution.GIVEN, null, "api", r));
    var applied = entry("60.00", List.of(), "60.00", 0, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(applied)));
    var at = clock.advance(Duration.ofMinutes(1));

    var healed = payment.<PaymentResult>runCommand(Heal::new);

    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, okView(healed.reply()).status());
    assertEquals("cust-1", okView(healed.reply()).customerId());
    assertEquals(List.of(new OutcomeRecorded("cust-1", applied, at)), healed.events());
    assertEquals(2, accounts.callsOf("apply"));
    assertEquals("cust-1", accounts.calls.get(1).customerId());

    var again = payment.<PaymentResult>runCommand(Heal::new);

    assertTrue(again.hasNoEvents());
    assertEquals(okView(healed.reply()), okView(again.reply()));
    assertEquals(2, accounts.callsOf("apply"), "a healed payment is not applied again");
    assertRecoversToTheSameState();
  }

  @Test
  void heal_of_a_failed_application_is_unavailable_again_and_persists_nothing() {
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));
    payment.<PaymentResult>runCommand(r -> new Receive(newPayment(null, "60.00", null, null), "cust-1", Attribution.GIVEN, null, "api", r));
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("still down")));

    var healed = payment.<PaymentResult>runCommand(Heal::new);

    assertRejected(Rejection.Kind.UNAVAILABLE, healed.reply());
    assertTrue(healed.hasNoEvents());
    assertTrue(payment.getState().awaitingApplication());
  }

  @Test
  void heal_leaves_an_unattributed_payment_alone_and_a_missing_one_is_not_found() {
    var missing = payment.<PaymentResult>runCommand(Heal::new);
    assertRejected(Rejection.Kind.NOT_FOUND, missing.reply());
    assertTrue(missing.hasNoEvents());

    receiveUnattributed("30.00");
    var healed = payment.<PaymentResult>runCommand(Heal::new);

    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, okView(healed.reply()).status());
    assertTrue(healed.hasNoEvents());
    assertEquals(List.of(), accounts.calls);
  }

  /**
   * The account's write is the durable record of what a payment did: the answer goes out as soon
   * as the account answered, and the payment's own copy of the outcome is stored behind it. Held
   * up here by a journal that does not complete the write until the test lets it.
   */
  @Test
  void the_answer_to_a_receive_goes_out_before_the_outcome_is_stored() throws Exception {
    var p = newPayment(null, "100.00", null, "INV-2026-000001");
    var applied = entry("100.00", List.of(allocation("inv_1", "INV-2026-000001", "100.00", Rule.REFERENCE, "INV-2026-000001")),
        "0.00", 0, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(applied)));
    var outcomeWrite = new CountDownLatch(1);
    var writing = new CountDownLatch(1);
    payment.persistenceTestKit().withPolicy((persistenceId, operation) -> {
      if (persistenceId.equals("Payment|" + entityId) && operation instanceof WriteEvents write
          && write.getBatch().stream().anyMatch(e -> e instanceof OutcomeRecorded)) {
        writing.countDown();
        try {
          outcomeWrite.await(10, TimeUnit.SECONDS); // a safety net: the test releases it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ProcessingSuccess.getInstance();
    });
    try {
      var probe = testKit.<PaymentResult>createTestProbe();

      // From another thread: the test kit's runCommand then reads the state, which waits for the blocked outcome write.
      var sent = CompletableFuture.runAsync(() -> payment.runCommand(new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api",
          probe.ref())));

      var ok = assertInstanceOf(PaymentResult.Ok.class, probe.receiveMessage());
      assertTrue(writing.await(10, TimeUnit.SECONDS), "the outcome's write was started");
      assertEquals(PaymentEntry.PaymentStatus.APPLIED, ok.payment().status());
      assertEquals(applied.allocations(), ok.payment().allocations());
      assertEquals(List.of(Received.class), journal().stream().map(Object::getClass).toList(), "not stored yet when answered");

      outcomeWrite.countDown();
      sent.get(10, TimeUnit.SECONDS);

      assertEquals(applied, payment.getState().outcome());
      assertEquals(List.of(Received.class, OutcomeRecorded.class), journal().stream().map(Object::getClass).toList());
      var retry = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));
      assertEquals(ok.payment(), okView(retry.reply()), "a retry gets the answer the stored outcome gives");
      assertTrue(retry.hasNoEvents());
    } finally {
      outcomeWrite.countDown();
      payment.persistenceTestKit().resetPolicy();
    }
  }

  // --- Attribution after receiving -----------------------------------------------------------------

  @Test
  void an_unattributed_payment_is_attributed_and_applied_by_the_accounts_rules() throws Exception {
    var p = newPayment(null, "45.00", null, "PO-4711");
    payment.<PaymentResult>runCommand(r -> new Receive(p, null, Attribution.NONE, "key-1", "bank-feed", r));
    var applied = entry("45.00", List.of(allocation("inv_4", "INV-2026-000004", "45.00", Rule.REFERENCE, "PO-4711")), "0.00", 0, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(applied)));
    var attribution = new Attribution(Attribution.Method.REFERENCE, "po-4711");
    var at = clock.advance(Duration.ofHours(2));

    var result = payment.<PaymentResult>runCommand(r -> new Attribute("cust-7", attribution, r));

    var ok = assertInstanceOf(PaymentResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    assertFalse(ok.duplicate());
    var view = ok.payment();
    assertEquals("cust-7", view.customerId());
    assertEquals(attribution, view.attribution());
    assertEquals(PaymentEntry.PaymentStatus.APPLIED, view.status());
    assertEquals(applied.allocations(), view.allocations());
    assertEquals("0.00", view.unappliedAmount().toPlainString());
    assertEquals(List.of(new Attributed("cust-7", attribution, at), new OutcomeRecorded("cust-7", applied, at)), result.events());
    assertEquals(List.of(new Call("apply", "acme", "cust-7", new PaymentAccounts.Received(paymentId, new BigDecimal("45.00"), "EUR",
        TODAY, "PO-4711", null), null, null)), accounts.calls);
    assertEquals("cust-7", payment.getState().customerId());
    assertEquals(attribution, payment.getState().attribution());
    assertEquals(List.of(Received.class, Attributed.class, OutcomeRecorded.class),
        eventsTagged(SETTINGS.tag(entityId)).stream().map(Object::getClass).toList(), "the payments projection sees the attribution");
    assertRecoversToTheSameState();
  }

  @Test
  void an_attribution_the_account_does_not_answer_keeps_the_customer_and_heal_applies_it_later() {
    receiveUnattributed("45.00");
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));
    var attribution = new Attribution(Attribution.Method.REFERENCE, "inv-2026-000004");

    var result = payment.<PaymentResult>runCommand(r -> new Attribute("cust-7", attribution, r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertEquals(List.of(new Attributed("cust-7", attribution, T0)), result.events(), "the attribution itself is kept");
    assertTrue(payment.getState().awaitingApplication());
    assertEquals(PaymentEntry.PaymentStatus.PENDING, okView(payment.<PaymentResult>runCommand(Get::new).reply()).status());

    var applied = entry("45.00", List.of(), "45.00", 0, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(applied)));
    var healed = payment.<PaymentResult>runCommand(Heal::new);

    assertEquals("cust-7", okView(healed.reply()).customerId());
    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, okView(healed.reply()).status());
    assertEquals(List.of(new OutcomeRecorded("cust-7", applied, T0)), healed.events());
    assertEquals(List.of("cust-7", "cust-7"), accounts.calls.stream().map(Call::customerId).toList());
    assertRecoversToTheSameState();
  }

  @Test
  void attribute_leaves_a_payment_with_a_customer_alone() {
    var first = receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));

    var result = payment.<PaymentResult>runCommand(r ->
        new Attribute("cust-2", new Attribution(Attribution.Method.REFERENCE, "inv-2026-000009"), r));

    var view = okView(result.reply());
    assertEquals("cust-1", view.customerId());
    assertEquals(Attribution.GIVEN, view.attribution());
    assertEquals(first.allocations(), view.allocations());
    assertTrue(result.hasNoEvents());
    assertEquals(1, accounts.calls.size(), "no account is asked");
    assertEquals("cust-1", payment.getState().customerId());
  }

  @Test
  void attribute_leaves_a_payment_allocated_by_hand_alone() {
    receiveUnattributed("50.00");
    var allocated = entry("50.00", List.of(allocation("inv_5", "INV-5", "50.00", Rule.MANUAL, null)), "0.00", 1, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(allocated)));
    payment.<PaymentResult>runCommand(r -> new Allocate(List.of(new ChosenAllocation("inv_5", new BigDecimal("50.00"))), "cust-9", "clerk", r));
    var before = payment.getState();

    var result = payment.<PaymentResult>runCommand(r ->
        new Attribute("cust-2", new Attribution(Attribution.Method.REFERENCE, "po-1"), r));

    var view = okView(result.reply());
    assertEquals("cust-9", view.customerId());
    assertEquals(Attribution.MANUAL, view.attribution());
    assertEquals(allocated.allocations(), view.allocations());
    assertTrue(result.hasNoEvents());
    assertEquals(before, payment.getState());
    assertEquals(List.of("allocate"), accounts.calls.stream().map(Call::kind).toList(), "no account is asked to apply it");
  }

  @Test
  void attribute_leaves_a_reversed_payment_alone() {
    receiveUnattributed("30.00");
    payment.<PaymentResult>runCommand(r -> new Reverse("returned by the bank", "clerk", r));
    var before = payment.getState();

    var result = payment.<PaymentResult>runCommand(r ->
        new Attribute("cust-2", new Attribution(Attribution.Method.REFERENCE, "po-1"), r));

    var view = okView(result.reply());
    assertEquals(PaymentEntry.PaymentStatus.REVERSED, view.status());
    assertNull(view.customerId());
    assertTrue(result.hasNoEvents());
    assertEquals(before, payment.getState());
    assertEquals(List.of(), accounts.calls);
  }

  @Test
  void attribute_of_a_missing_payment_is_not_found_and_persists_nothing() {
    var result = payment.<PaymentResult>runCommand(r ->
        new Attribute("cust-2", new Attribution(Attribution.Method.REFERENCE, "po-1"), r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(payment.getState().exists());
    assertEquals(List.of(), accounts.calls);
  }

  @Test
  void attribute_waits_for_a_call_in_flight_and_then_finds_the_payment_attributed() {
    var answer = new CompletableFuture<PaymentLedgerResult>();
    accounts.answer(answer);
    var receive = testKit.<PaymentResult>createTestProbe();
    var attribute = testKit.<PaymentResult>createTestProbe();
    payment.runCommand(new Receive(newPayment(null, "20.00", null, null), "cust-1", Attribution.GIVEN, "key-1", "api", receive.ref()));

    payment.runCommand(new Attribute("cust-2", new Attribution(Attribution.Method.REFERENCE, "po-1"), attribute.ref()));
    attribute.expectNoMessage(Duration.ofMillis(200));

    answer.complete(new PaymentLedgerResult.Ok(entry("20.00", List.of(), "20.00", 0, false)));

    assertEquals("cust-1", okView(receive.receiveMessage()).customerId());
    assertEquals("cust-1", okView(attribute.receiveMessage()).customerId(), "stashed, then left alone");
    payment.getState();
    assertEquals(List.of(Received.class, OutcomeRecorded.class), journal().stream().map(Object::getClass).toList());
    assertEquals(1, accounts.calls.size());
  }

  // --- Receiving: retries and duplicates -----------------------------------------------------------

  @Test
  void the_same_key_with_a_different_body_is_refused_and_persists_nothing() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));

    var other = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "99.00", null, null), "cust-1", Attribution.GIVEN, "key-1", "api", r));

    assertRejected(Rejection.Kind.KEY_REUSED, other.reply());
    assertTrue(other.hasNoEvents());
    assertEquals(1, accounts.callsOf("apply"));
    assertEquals(2, journal().size());
  }

  @Test
  void the_same_key_with_a_different_body_on_an_unattributed_payment_is_refused_too() {
    payment.<PaymentResult>runCommand(r -> new Receive(newPayment(null, "30.00", null, null), null, Attribution.NONE, "key-1", "api", r));

    var other = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "30.00", null, "another text"), null, Attribution.NONE, "key-1", "api", r));

    assertRejected(Rejection.Kind.KEY_REUSED, other.reply());
    assertTrue(other.hasNoEvents());
    assertEquals(1, journal().size());
  }

  @Test
  void the_same_key_and_body_gets_the_first_answer_again_even_after_later_changes() {
    var p = newPayment(null, "100.00", null, null);
    var first = receiveApplied("key-1", p, entry("100.00", List.of(), "100.00", 0, false));
    var later = entry("100.00", List.of(allocation("inv_9", "INV-9", "100.00", Rule.ACCOUNT_CREDIT, null)), "0.00", 1, false);
    payment.<Done>runCommand(r -> new RecordOutcome("cust-1", later, r));

    var retry = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));

    var ok = assertInstanceOf(PaymentResult.Ok.class, retry.reply());
    assertTrue(ok.replayed());
    assertEquals(first, ok.payment(), "the first answer, not the payment as it is now");
    assertEquals(PaymentEntry.PaymentStatus.APPLIED, okView(payment.<PaymentResult>runCommand(Get::new).reply()).status());
    assertTrue(retry.hasNoEvents());
  }

  @Test
  void the_same_payment_with_a_bank_reference_seen_before_is_a_replay_whatever_its_key() {
    var p = newPayment(null, "100.00", "BR-7", null);
    var applied = entry("100.00", List.of(allocation("inv_1", "INV-1", "100.00", Rule.EXACT_AMOUNT, null)), "0.00", 0, false);
    var first = receiveApplied("key-1", p, applied);

    var otherKey = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-2", "api", r));
    var noKey = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, null, "api", r));

    for (var result : List.of(otherKey, noKey)) {
      var ok = assertInstanceOf(PaymentResult.Ok.class, result.reply());
      assertTrue(ok.replayed());
      assertFalse(ok.duplicate());
      assertEquals(first, ok.payment());
      assertTrue(result.hasNoEvents());
    }
    assertEquals(1, accounts.callsOf("apply"), "the account is not asked again");
    assertEquals(2, journal().size());
  }

  @Test
  void another_request_with_a_bank_reference_seen_before_is_a_duplicate_that_applies_nothing() {
    var p = newPayment(null, "100.00", "BR-7", null);
    var applied = entry("100.00", List.of(allocation("inv_1", "INV-1", "100.00", Rule.EXACT_AMOUNT, null)), "0.00", 0, false);
    receiveApplied("key-1", p, applied);

    var otherBody = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "100.00", "BR-7", "statement line 2"), null, Attribution.NONE, null, "api", r));
    var otherAmount = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "99.00", "BR-7", null), "cust-1", Attribution.GIVEN, "key-3", "api", r));

    for (var result : List.of(otherBody, otherAmount)) {
      var ok = assertInstanceOf(PaymentResult.Ok.class, result.reply());
      assertTrue(ok.duplicate());
      assertFalse(ok.replayed());
      assertEquals(paymentId, ok.payment().paymentId());
      assertEquals(PaymentEntry.PaymentStatus.APPLIED, ok.payment().status());
      assertEquals(0, new BigDecimal("100.00").compareTo(ok.payment().amount()), "the original payment");
      assertEquals(applied.allocations(), ok.payment().allocations());
      assertTrue(result.hasNoEvents());
    }
    assertEquals(1, accounts.callsOf("apply"), "the account is not asked again");
  }

  @Test
  void the_same_key_on_another_request_with_that_bank_reference_is_a_reused_key() {
    var p = newPayment(null, "100.00", "BR-7", null);
    receiveApplied("key-1", p, entry("100.00", List.of(), "100.00", 0, false));

    var again = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "90.00", "BR-7", null), "cust-1", Attribution.GIVEN, "key-1", "api", r));

    assertRejected(Rejection.Kind.KEY_REUSED, again.reply());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void a_duplicate_of_a_payment_awaiting_application_applies_it_and_is_answered_as_a_duplicate() {
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));
    var p = newPayment(null, "100.00", "BR-8", null);
    payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));
    var applied = entry("100.00", List.of(), "100.00", 0, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(applied)));

    var duplicate = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "100.00", "BR-8", "the same line, imported again"), "cust-1", Attribution.GIVEN, "key-2", "api", r));

    var ok = assertInstanceOf(PaymentResult.Ok.class, duplicate.reply());
    assertTrue(ok.duplicate());
    assertEquals(List.of(new OutcomeRecorded("cust-1", applied, T0)), duplicate.events());
    assertEquals(2, accounts.callsOf("apply"));
  }

  @Test
  void a_request_without_key_or_bank_reference_on_an_existing_payment_is_refused() {
    receiveUnattributed("30.00");

    var again = payment.<PaymentResult>runCommand(r ->
        new Receive(newPayment(null, "30.00", null, null), null, Attribution.NONE, null, "api", r));

    assertRejected(Rejection.Kind.KEY_REUSED, again.reply());
    assertTrue(again.hasNoEvents());
  }

  // --- Requests while the account is asked ---------------------------------------------------------

  @Test
  void an_exact_retry_while_the_first_is_in_flight_is_refused_as_in_flight() {
    var answer = new CompletableFuture<PaymentLedgerResult>();
    accounts.answer(answer);
    var p = newPayment(null, "100.00", null, null);
    var first = testKit.<PaymentResult>createTestProbe();
    payment.runCommand(new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", first.ref()));

    var retry = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", r));

    assertRejected(Rejection.Kind.IN_FLIGHT, retry.reply());
    assertTrue(retry.hasNoEvents());
    assertEquals(1, accounts.callsOf("apply"));

    answer.complete(new PaymentLedgerResult.Ok(entry("100.00", List.of(), "100.00", 0, false)));
    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, assertInstanceOf(PaymentResult.Ok.class, first.receiveMessage()).payment().status());
    payment.getState(); // the outcome is stored behind the answer
    assertEquals(2, journal().size());
  }

  @Test
  void changes_wait_while_the_account_is_asked_and_run_after_its_answer_while_a_read_is_answered_at_once() {
    var answer = new CompletableFuture<PaymentLedgerResult>();
    accounts.answer(answer);
    var p = newPayment(null, "100.00", null, null);
    var first = testKit.<PaymentResult>createTestProbe();
    var get = testKit.<PaymentResult>createTestProbe();
    var allocate = testKit.<PaymentResult>createTestProbe();
    var reverse = testKit.<PaymentResult>createTestProbe();
    var otherBody = testKit.<PaymentResult>createTestProbe();
    payment.runCommand(new Receive(p, "cust-1", Attribution.GIVEN, "key-1", "api", first.ref()));

    payment.runCommand(new Get(get.ref()));
    payment.runCommand(new Allocate(List.of(new ChosenAllocation("inv_2", new BigDecimal("40.00"))), null, "clerk", allocate.ref()));
    payment.runCommand(new Reverse("chargeback", "clerk", reverse.ref()));
    payment.runCommand(new Receive(newPayment(null, "1.00", null, null), "cust-1", Attribution.GIVEN, "key-1", "api", otherBody.ref()));

    assertEquals(PaymentEntry.PaymentStatus.PENDING, assertInstanceOf(PaymentResult.Ok.class, get.receiveMessage()).payment().status(),
        "a read does not wait: it shows the payment as pending");
    allocate.expectNoMessage(Duration.ofMillis(200));
    reverse.expectNoMessage(Duration.ofMillis(10));
    otherBody.expectNoMessage(Duration.ofMillis(10));
    assertEquals(1, accounts.calls.size(), "nothing else reached the account");

    var allocated = entry("100.00", List.of(allocation("inv_2", "INV-2", "40.00", Rule.MANUAL, null)), "60.00", 1, false);
    var reversed = entry("100.00", List.of(), "0.00", 2, true);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(allocated)));
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(reversed)));
    answer.complete(new PaymentLedgerResult.Ok(entry("100.00", List.of(), "100.00", 0, false)));

    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, assertInstanceOf(PaymentResult.Ok.class, first.receiveMessage()).payment().status());
    var afterAllocation = assertInstanceOf(PaymentResult.Ok.class, allocate.receiveMessage()).payment();
    assertEquals(PaymentEntry.PaymentStatus.PARTIALLY_APPLIED, afterAllocation.status());
    assertEquals("60.00", afterAllocation.unappliedAmount().toPlainString());
    assertEquals(PaymentEntry.PaymentStatus.REVERSED, assertInstanceOf(PaymentResult.Ok.class, reverse.receiveMessage()).payment().status());
    assertRejected(Rejection.Kind.KEY_REUSED, otherBody.receiveMessage());
    assertEquals(List.of("apply", "allocate", "reverse"), accounts.calls.stream().map(Call::kind).toList(), "one call at a time, in order");
    assertEquals(List.of(Received.class, OutcomeRecorded.class, OutcomeRecorded.class, OutcomeRecorded.class, Reversed.class),
        journal().stream().map(Object::getClass).toList());
  }

  @Test
  void commands_stashed_behind_a_failed_call_still_run() {
    var answer = new CompletableFuture<PaymentLedgerResult>();
    accounts.answer(answer);
    var first = testKit.<PaymentResult>createTestProbe();
    var get = testKit.<PaymentResult>createTestProbe();
    payment.runCommand(new Receive(newPayment(null, "100.00", null, null), "cust-1", Attribution.GIVEN, "key-1", "api", first.ref()));
    payment.runCommand(new Get(get.ref()));

    answer.completeExceptionally(new TimeoutException("account down"));

    assertRejected(Rejection.Kind.UNAVAILABLE, first.receiveMessage());
    assertEquals(PaymentEntry.PaymentStatus.PENDING, assertInstanceOf(PaymentResult.Ok.class, get.receiveMessage()).payment().status());
  }

  // --- Allocation --------------------------------------------------------------------------------

  @Test
  void allocating_asks_the_account_and_records_its_outcome() {
    var p = newPayment(null, "100.00", null, null);
    receiveApplied("key-1", p, entry("100.00", List.of(allocation("inv_1", "INV-1", "60.00", Rule.OLDEST_FIRST, null)), "40.00", 0, false));
    var chosen = List.of(new ChosenAllocation("inv_2", new BigDecimal("40.00")));
    var allocated = entry("100.00", List.of(allocation("inv_1", "INV-1", "60.00", Rule.OLDEST_FIRST, null),
        allocation("inv_2", "INV-2", "40.00", Rule.MANUAL, null)), "0.00", 1, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(allocated)));
    var at = clock.advance(Duration.ofHours(1));

    var result = payment.<PaymentResult>runCommand(r -> new Allocate(chosen, null, "clerk", r));

    var view = okView(result.reply());
    assertEquals(PaymentEntry.PaymentStatus.APPLIED, view.status());
    assertEquals(allocated.allocations(), view.allocations());
    assertEquals(Attribution.GIVEN, view.attribution(), "the payment stays the customer's it was");
    assertEquals(List.of(new OutcomeRecorded("cust-1", allocated, at)), result.events());
    var call = accounts.calls.get(accounts.calls.size() - 1);
    assertEquals(new Call("allocate", "acme", "cust-1", new PaymentAccounts.Received(paymentId, new BigDecimal("100.00"), "EUR", TODAY,
        null, null), chosen, "clerk"), call);
    assertRecoversToTheSameState();
  }

  @Test
  void an_allocation_the_account_refuses_is_passed_on_and_persists_nothing() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    var refusal = new Rejection(Rejection.Kind.UNPROCESSABLE, "The allocations cannot be made.",
        Map.of("allocations[0].amount", "is more than the invoice's balance 10.00"));
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Failed(refusal)));

    var result = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_2", new BigDecimal("40.00"))), null, "clerk", r));

    assertEquals(new PaymentResult.Failed(refusal), result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void an_allocation_the_account_does_not_answer_is_unavailable_and_persists_nothing() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));

    var result = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_2", new BigDecimal("40.00"))), null, "clerk", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void allocating_an_unattributed_payment_makes_it_the_customers_of_the_invoices_by_hand() {
    receiveUnattributed("50.00");
    var chosen = List.of(new ChosenAllocation("inv_5", new BigDecimal("50.00")));
    var allocated = entry("50.00", List.of(allocation("inv_5", "INV-5", "50.00", Rule.MANUAL, null)), "0.00", 1, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(allocated)));

    var result = payment.<PaymentResult>runCommand(r -> new Allocate(chosen, "cust-9", "clerk", r));

    var view = okView(result.reply());
    assertEquals("cust-9", view.customerId());
    assertEquals(Attribution.MANUAL, view.attribution());
    assertEquals(PaymentEntry.PaymentStatus.APPLIED, view.status());
    assertEquals(List.of(new OutcomeRecorded("cust-9", allocated, T0)), result.events());
    assertEquals("cust-9", accounts.calls.get(0).customerId());
    assertEquals("cust-9", payment.getState().customerId());
    assertEquals(Attribution.MANUAL, payment.getState().attribution());
    assertRecoversToTheSameState();
  }

  @Test
  void allocating_an_unattributed_payment_without_a_customer_is_unprocessable() {
    receiveUnattributed("50.00");

    var result = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_5", new BigDecimal("50.00"))), null, "clerk", r));

    assertRejected(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(List.of(), accounts.calls);
  }

  @Test
  void changing_a_payment_still_awaiting_application_is_unavailable() {
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));
    payment.<PaymentResult>runCommand(r -> new Receive(newPayment(null, "60.00", null, null), "cust-1", Attribution.GIVEN, null, "api", r));

    var allocate = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_2", new BigDecimal("10.00"))), null, "clerk", r));
    var reverse = payment.<PaymentResult>runCommand(r -> new Reverse("returned", "clerk", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, allocate.reply());
    assertRejected(Rejection.Kind.UNAVAILABLE, reverse.reply());
    assertTrue(allocate.hasNoEvents());
    assertTrue(reverse.hasNoEvents());
    assertEquals(1, accounts.calls.size());
  }

  @Test
  void every_change_of_a_missing_payment_is_not_found() {
    var get = payment.<PaymentResult>runCommand(Get::new);
    var allocate = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_2", new BigDecimal("10.00"))), "cust-1", "clerk", r));
    var unallocate = payment.<PaymentResult>runCommand(r -> new Unallocate("inv_2", "clerk", r));
    var reverse = payment.<PaymentResult>runCommand(r -> new Reverse("returned", "clerk", r));

    for (var result : List.of(get, allocate, unallocate, reverse)) {
      assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
      assertTrue(result.hasNoEvents());
    }
    assertEquals(List.of(), accounts.calls);
  }

  // --- Unallocation ------------------------------------------------------------------------------

  @Test
  void unallocating_takes_the_money_back_through_the_account() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null),
        entry("100.00", List.of(allocation("inv_1", "INV-1", "100.00", Rule.EXACT_AMOUNT, null)), "0.00", 0, false));
    var unallocated = entry("100.00", List.of(), "100.00", 1, false);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(unallocated)));

    var result = payment.<PaymentResult>runCommand(r -> new Unallocate("inv_1", "clerk", r));

    var view = okView(result.reply());
    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, view.status());
    assertEquals("100.00", view.unappliedAmount().toPlainString());
    assertEquals(List.of(new OutcomeRecorded("cust-1", unallocated, T0)), result.events());
    assertEquals(new Call("unallocate", "acme", "cust-1", null, "inv_1", "clerk"), accounts.calls.get(1));
  }

  @Test
  void unallocating_from_an_invoice_the_payment_did_not_pay_is_not_found_without_asking_the_account() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null),
        entry("100.00", List.of(allocation("inv_1", "INV-1", "100.00", Rule.EXACT_AMOUNT, null)), "0.00", 0, false));

    var result = payment.<PaymentResult>runCommand(r -> new Unallocate("inv_other", "clerk", r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(1, accounts.calls.size());
  }

  @Test
  void unallocating_an_unattributed_payment_is_not_found() {
    receiveUnattributed("30.00");

    var result = payment.<PaymentResult>runCommand(r -> new Unallocate("inv_1", "clerk", r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(List.of(), accounts.calls);
  }

  // --- Reversal ----------------------------------------------------------------------------------

  @Test
  void reversing_asks_the_account_records_its_outcome_and_the_reversal_and_refuses_further_changes() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null),
        entry("100.00", List.of(allocation("inv_1", "INV-1", "100.00", Rule.EXACT_AMOUNT, null)), "0.00", 0, false));
    var reversed = entry("100.00", List.of(), "0.00", 1, true);
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(reversed)));
    var at = clock.advance(Duration.ofDays(2));

    var result = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));

    var view = okView(result.reply());
    assertEquals(PaymentEntry.PaymentStatus.REVERSED, view.status());
    assertEquals(new PaymentView.Reversal("chargeback", "clerk", at), view.reversal());
    assertEquals(List.of(), view.allocations());
    assertEquals(List.of(new OutcomeRecorded("cust-1", reversed, at), new Reversed("chargeback", "clerk", at)), result.events());
    assertEquals(new Call("reverse", "acme", "cust-1", null, "chargeback", "clerk"), accounts.calls.get(1));

    var again = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));
    assertEquals(view, okView(again.reply()), "reversing twice is answered with the reversed payment");
    assertTrue(again.hasNoEvents());
    assertEquals(2, accounts.calls.size(), "the account is not asked again");

    var allocate = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_1", new BigDecimal("1.00"))), null, "clerk", r));
    var unallocate = payment.<PaymentResult>runCommand(r -> new Unallocate("inv_1", "clerk", r));
    for (var refused : List.of(allocate, unallocate)) {
      var failed = assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, refused.reply());
      assertEquals("REVERSED", failed.rejection().details().get("currentStatus"));
      assertTrue(refused.hasNoEvents());
    }
    assertEquals(2, accounts.calls.size());
    assertRecoversToTheSameState();
  }

  @Test
  void reversing_an_unattributed_payment_is_done_by_the_payment_alone() {
    receiveUnattributed("30.00");
    var at = clock.advance(Duration.ofHours(3));

    var result = payment.<PaymentResult>runCommand(r -> new Reverse("returned by the bank", "clerk", r));

    var view = okView(result.reply());
    assertEquals(PaymentEntry.PaymentStatus.REVERSED, view.status());
    assertEquals("0.00", view.unappliedAmount().toPlainString());
    assertEquals(new PaymentView.Reversal("returned by the bank", "clerk", at), view.reversal());
    var reversedEntry = new PaymentEntry(paymentId, new BigDecimal("30.00"), "EUR", TODAY, T0, List.of(), List.of(),
        new BigDecimal("0.00"), new BigDecimal("0.00"), 1, true);
    assertEquals(List.of(new OutcomeRecorded(null, reversedEntry, at), new Reversed("returned by the bank", "clerk", at)), result.events());
    assertEquals(List.of(), accounts.calls);
    assertNull(payment.getState().customerId());

    var again = payment.<PaymentResult>runCommand(r -> new Reverse("again", "clerk", r));
    assertTrue(again.hasNoEvents());
    assertEquals(view, okView(again.reply()));

    var allocate = payment.<PaymentResult>runCommand(r ->
        new Allocate(List.of(new ChosenAllocation("inv_1", new BigDecimal("30.00"))), "cust-1", "clerk", r));
    assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, allocate.reply());
    assertTrue(allocate.hasNoEvents());
    assertEquals(List.of(), accounts.calls);
    assertRecoversToTheSameState();
  }

  @Test
  void a_reversal_the_account_refuses_is_passed_on_and_persists_nothing() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    var refusal = new Rejection(Rejection.Kind.ILLEGAL_TRANSITION, "A refunded payment cannot be reversed.",
        Map.of("currentStatus", "REFUNDED"));
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Failed(refusal)));

    var result = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));

    assertEquals(new PaymentResult.Failed(refusal), result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(payment.getState().reversed());
  }

  @Test
  void a_reversal_the_account_does_not_answer_is_unavailable_and_can_be_retried() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("account down")));

    var failed = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));

    assertRejected(Rejection.Kind.UNAVAILABLE, failed.reply());
    assertTrue(failed.hasNoEvents());

    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(entry("100.00", List.of(), "0.00", 1, true))));
    var retry = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));
    assertEquals(PaymentEntry.PaymentStatus.REVERSED, okView(retry.reply()).status());
    assertEquals(2, retry.events().size());
  }

  /**
   * The account reversed the payment but its answer came too late (503); the ledger projection
   * then reports the reversed payment. Retrying the reversal must still record why, by whom and
   * when it was reversed.
   */
  @Test
  void a_reversal_whose_outcome_the_account_reported_first_still_records_the_reversal_on_retry() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    accounts.answer(CompletableFuture.failedFuture(new TimeoutException("answer too late")));
    var timedOut = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));
    assertRejected(Rejection.Kind.UNAVAILABLE, timedOut.reply());
    var reversed = entry("100.00", List.of(), "0.00", 1, true);
    var reported = payment.<Done>runCommand(r -> new RecordOutcome("cust-1", reversed, r));
    assertEquals(List.of(new OutcomeRecorded("cust-1", reversed, T0)), reported.events());
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(reversed)));

    var retry = payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));

    var view = okView(retry.reply());
    assertEquals(PaymentEntry.PaymentStatus.REVERSED, view.status());
    assertEquals(List.of(new Reversed("chargeback", "clerk", T0)), retry.events(), "the reversal itself is recorded");
    assertEquals(new PaymentView.Reversal("chargeback", "clerk", T0), view.reversal());
  }

  // --- Outcomes the account reports ------------------------------------------------------------

  @Test
  void record_outcome_keeps_only_newer_operations() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    var auto = entry("100.00", List.of(allocation("inv_7", "INV-7", "30.00", Rule.ACCOUNT_CREDIT, null)), "70.00", 1, false);
    var at = clock.advance(Duration.ofDays(1));

    var newer = payment.<Done>runCommand(r -> new RecordOutcome("cust-1", auto, r));
    var same = payment.<Done>runCommand(r -> new RecordOutcome("cust-1", auto, r));
    var older = payment.<Done>runCommand(r -> new RecordOutcome("cust-1", entry("100.00", List.of(), "100.00", 0, false), r));

    assertEquals(Done.getInstance(), newer.reply());
    assertEquals(List.of(new OutcomeRecorded("cust-1", auto, at)), newer.events());
    assertEquals(Done.getInstance(), same.reply());
    assertTrue(same.hasNoEvents());
    assertEquals(Done.getInstance(), older.reply());
    assertTrue(older.hasNoEvents());
    var view = okView(payment.<PaymentResult>runCommand(Get::new).reply());
    assertEquals(PaymentEntry.PaymentStatus.PARTIALLY_APPLIED, view.status());
    assertEquals("70.00", view.unappliedAmount().toPlainString());
    assertEquals(auto.allocations(), view.allocations());
    assertEquals(1, accounts.calls.size(), "reports do not ask the account");
    assertRecoversToTheSameState();
  }

  @Test
  void record_outcome_of_a_missing_payment_is_acknowledged_without_an_event() {
    var result = payment.<Done>runCommand(r -> new RecordOutcome("cust-1", entry("1.00", List.of(), "1.00", 1, false), r));

    assertEquals(Done.getInstance(), result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(payment.getState().exists());
  }

  @Test
  void record_outcome_waits_while_a_call_is_in_flight() {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    var answer = new CompletableFuture<PaymentLedgerResult>();
    accounts.answer(answer);
    var allocate = testKit.<PaymentResult>createTestProbe();
    var report = testKit.<Done>createTestProbe();
    payment.runCommand(new Allocate(List.of(new ChosenAllocation("inv_2", new BigDecimal("40.00"))), null, "clerk", allocate.ref()));
    var allocated = entry("100.00", List.of(allocation("inv_2", "INV-2", "40.00", Rule.MANUAL, null)), "60.00", 1, false);

    payment.runCommand(new RecordOutcome("cust-1", allocated, report.ref()));
    report.expectNoMessage(Duration.ofMillis(200));

    answer.complete(new PaymentLedgerResult.Ok(allocated));
    allocate.receiveMessage();
    report.receiveMessage();
    assertEquals(3, journal().size(), "the report of the same operation adds nothing");
  }

  // --- Tags --------------------------------------------------------------------------------------

  @Test
  void every_event_of_a_payment_is_tagged_with_its_bucket() throws Exception {
    receiveApplied("key-1", newPayment(null, "100.00", null, null), entry("100.00", List.of(), "100.00", 0, false));
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(entry("100.00", List.of(), "0.00", 1, true))));
    payment.<PaymentResult>runCommand(r -> new Reverse("chargeback", "clerk", r));
    var tag = SETTINGS.tag(entityId);

    assertEquals(List.of(Received.class, OutcomeRecorded.class, OutcomeRecorded.class, Reversed.class),
        eventsTagged(tag).stream().map(Object::getClass).toList());
    for (int bucket = 0; bucket < SETTINGS.tagBuckets(); bucket++) {
      var other = "payment-" + bucket;
      if (!other.equals(tag)) {
        assertEquals(List.of(), eventsTagged(other), "events under " + other);
      }
    }
  }

  // --- Helpers --------------------------------------------------------------------------------

  /** One call to the account side: kind, tenant, customer, and what was passed (by kind). */
  record Call(String kind, String tenantId, String customerId, PaymentAccounts.Received payment, Object what, String by) {}

  /** The account side, answering with futures the test prepares (in order), else with ones it never completes. */
  private static final class FakeAccounts implements PaymentAccounts {
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<CompletionStage<PaymentLedgerResult>> answers = new ConcurrentLinkedQueue<>();

    void answer(CompletionStage<PaymentLedgerResult> answer) {
      answers.add(answer);
    }

    long callsOf(String kind) {
      return calls.stream().filter(c -> c.kind().equals(kind)).count();
    }

    private CompletionStage<PaymentLedgerResult> next(Call call) {
      calls.add(call);
      var answer = answers.poll();
      return answer != null ? answer : new CompletableFuture<>();
    }

    @Override
    public CompletionStage<PaymentLedgerResult> checkPayer(String tenantId, String customerId, String currency) {
      return next(new Call("checkPayer", tenantId, customerId, null, currency, null));
    }

    @Override
    public CompletionStage<PaymentLedgerResult> apply(String tenantId, String customerId, Received payment) {
      return next(new Call("apply", tenantId, customerId, payment, null, null));
    }

    @Override
    public CompletionStage<PaymentLedgerResult> allocate(
        String tenantId, String customerId, Received payment, List<ChosenAllocation> allocations, String by) {
      return next(new Call("allocate", tenantId, customerId, payment, allocations, by));
    }

    @Override
    public CompletionStage<PaymentLedgerResult> unallocate(String tenantId, String customerId, String paymentId, String invoiceId, String by) {
      return next(new Call("unallocate", tenantId, customerId, null, invoiceId, by));
    }

    @Override
    public CompletionStage<PaymentLedgerResult> reverse(String tenantId, String customerId, String paymentId, String reason, String by) {
      return next(new Call("reverse", tenantId, customerId, null, reason, by));
    }
  }

  private static NewPayment newPayment(String customerId, String amount, String bankReference, String remittanceInfo) {
    return new NewPayment(customerId, new BigDecimal(amount), "EUR", null, "SEPA", bankReference, remittanceInfo);
  }

  private PaymentEntry entry(String amount, List<Allocation> allocations, String unapplied, int operations, boolean reversed) {
    return new PaymentEntry(paymentId, new BigDecimal(amount), "EUR", TODAY, T0, allocations, List.of(), new BigDecimal(unapplied),
        new BigDecimal("0.00"), operations, reversed);
  }

  private static Allocation allocation(String invoiceId, String number, String amount, Rule rule, String token) {
    return new Allocation(invoiceId, number, new BigDecimal(amount), rule, token);
  }

  private void receiveUnattributed(String amount) {
    var result = payment.<PaymentResult>runCommand(r -> new Receive(newPayment(null, amount, null, null), null, Attribution.NONE,
        "key-u", "api", r));
    assertEquals(PaymentEntry.PaymentStatus.UNAPPLIED, okView(result.reply()).status());
  }

  /** Receives a payment of cust-1 that the account applies as {@code outcome}; the answer's view. */
  private PaymentView receiveApplied(String key, NewPayment p, PaymentEntry outcome) {
    accounts.answer(CompletableFuture.completedFuture(new PaymentLedgerResult.Ok(outcome)));
    var result = payment.<PaymentResult>runCommand(r -> new Receive(p, "cust-1", Attribution.GIVEN, key, "api", r));
    assertEquals(2, result.events().size());
    return okView(result.reply());
  }

  private List<Object> journal() {
    return payment.persistenceTestKit().persistedInStorage("Payment|" + entityId);
  }

  private List<Object> eventsTagged(String tag) throws Exception {
    var queries = PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    return queries.currentEventsByTag(tag, NoOffset.getInstance())
        .filter(envelope -> envelope.persistenceId().equals("Payment|" + entityId))
        .map(EventEnvelope::event)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void assertRecoversToTheSameState() {
    var before = payment.getState();
    var after = payment.restart().state();
    assertEquals(before, after);
  }

  private static PaymentView okView(PaymentResult result) {
    return assertInstanceOf(PaymentResult.Ok.class, result, String.valueOf(result)).payment();
  }

  private static PaymentResult.Failed assertRejected(Rejection.Kind kind, PaymentResult result) {
    var failed = assertInstanceOf(PaymentResult.Failed.class, result, String.valueOf(result));
    assertEquals(kind, failed.rejection().kind(), failed.rejection().detail());
    return failed;
  }
}
