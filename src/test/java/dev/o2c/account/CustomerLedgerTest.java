package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.account.CustomerAccount.CancelInvoice;
import dev.o2c.account.CustomerAccount.Command;
import dev.o2c.account.CustomerAccount.Create;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.DunningLevelRaised;
import dev.o2c.account.CustomerAccount.DunningRun;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.Get;
import dev.o2c.account.CustomerAccount.InvoiceCancellationNoted;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.IssueCreditNote;
import dev.o2c.account.CustomerAccount.ReceivableRecorded;
import dev.o2c.account.CustomerAccount.RecordReceivable;
import dev.o2c.account.CustomerAccount.ReserveCredit;
import dev.o2c.account.CustomerAccount.RunDunning;
import dev.o2c.account.CustomerAccount.VoidInvoice;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
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
 * The customer account as the ledger of its invoices: receivables, credit notes, voids,
 * cancellations and dunning runs with their credit hold — replies, events, state, tags, recovery.
 */
class CustomerLedgerTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "CustomerLedgerTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  /** The healing check of unconfirmed reservations never comes round during a test (it is CustomerAccountTest's subject). */
  private static final AccountSettings SETTINGS =
      new AccountSettings(100, Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofSeconds(1), 200, 4);
  /** The shipped invoicing settings: tenant "acme" has the default dunning (1, 15, 30 with credit hold). */
  private static final InvoicingSettings INVOICING = InvoicingSettings.fromConfig(O2cConfig.load());
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final LocalDate ISSUED = LocalDate.parse("2026-11-02");
  private static final LocalDate DUE = LocalDate.parse("2026-12-02");
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  /** Orders asked about unconfirmed reservations say they hold them. */
  private final ReservationLookup lookup =
      (tenantId, orderId) -> CompletableFuture.completedFuture(ReservationStatus.reserving(BigDecimal.ONE));

  private String entityId;
  private String customerId;
  private EventSourcedBehaviorTestKit<Command, Event, CustomerState> account;

  @BeforeEach
  void startAccount() {
    customerId = "cust-" + IDS.incrementAndGet();
    entityId = "acme:" + customerId;
    // Commands, events and state must also come back from serialization equal to what went in.
    account = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        CustomerAccount.create(entityId, new CustomerAccount.Dependencies(clock, lookup, SETTINGS, INVOICING,
            dev.o2c.payment.PaymentSettings.fromConfig(dev.o2c.infra.O2cConfig.load()))),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- RecordReceivable -----------------------------------------------------------------------

  @Test
  void recording_an_invoice_makes_it_an_open_receivable_in_place_of_the_orders_reservation() {
    create();
    reserve("ord_1", "100.00");
    var later = clock.advance(Duration.ofMinutes(5));

    var result = account.<Done>runCommand(r -> new RecordReceivable(info("inv_1", "ord_1", "119.00"), r));

    assertEquals(Done.getInstance(), result.reply());
    assertEquals(List.of(new ReceivableRecorded("inv_1", "INV-2026-000001", "ord_1", "PO-1", "EUR", new BigDecimal("119.00"),
        ISSUED, DUE, later)), result.events());
    var state = result.state();
    assertMoney("0", state.reserved());
    assertMoney("119.00", state.receivable());
    assertTrue(state.receivables().containsKey("inv_1"));
    var view = view();
    assertMoney("119.00", view.openReceivables());
    assertEquals(1, view.openInvoices());
    assertEquals(0, view.openOrders());
    assertMoney("119.00", view.creditUsed());
    assertMoney("881.00", view.availableCredit());
    assertMoney("119.00", view.balance());
    assertRecoversToTheSameState();
  }

  @Test
  void recording_the_same_invoice_again_changes_nothing() {
    create();
    reserve("ord_1", "100.00");
    record("inv_1", "ord_1", "119.00");
    var before = account.getState();

    var again = account.<Done>runCommand(r -> new RecordReceivable(info("inv_1", "ord_1", "119.00"), r));

    assertEquals(Done.getInstance(), again.reply());
    assertTrue(again.hasNoEvents());
    assertEquals(before, again.state());
  }

  @Test
  void recording_an_invoice_settled_meanwhile_does_not_open_it_again() {
    create();
    record("inv_1", "ord_1", "119.00");
    creditNote("inv_1", "cn_1", "119.00");

    var again = account.<Done>runCommand(r -> new RecordReceivable(info("inv_1", "ord_1", "119.00"), r));

    assertTrue(again.hasNoEvents());
    assertFalse(again.state().receivables().containsKey("inv_1"));
  }

  @Test
  void recording_an_invoice_on_a_missing_account_persists_nothing() {
    var result = account.<Done>runCommand(r -> new RecordReceivable(info("inv_1", "ord_1", "119.00"), r));

    assertEquals(Done.getInstance(), result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().exists());
  }

  @Test
  void an_invoice_whose_order_was_cancelled_before_it_was_recorded_is_recorded_and_voided_at_once() {
    create();
    reserve("ord_1", "100.00");
    var noted = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));
    assertEquals(List.of(new InvoiceCancellationNoted("inv_1", "ord_1", T0)), noted.events());
    assertMoney("0", noted.state().reserved());
    var later = clock.advance(Duration.ofMinutes(1));

    var result = account.<Done>runCommand(r -> new RecordReceivable(info("inv_1", "ord_1", "119.00"), r));

    assertEquals(Done.getInstance(), result.reply());
    assertEquals(2, result.events().size(), result.events().toString());
    assertInstanceOf(ReceivableRecorded.class, result.events().get(0));
    assertEquals(new InvoiceVoided("inv_1", "order cancelled", "system", later), result.events().get(1));
    var state = result.state();
    assertTrue(state.settled().get("inv_1").voided());
    assertFalse(state.cancelledInvoices().contains("inv_1"));
    assertMoney("0", state.receivable());
    assertMoney("0", state.creditUsed());
    assertRecoversToTheSameState();
  }

  // --- IssueCreditNote ------------------------------------------------------------------------

  @Test
  void a_credit_note_is_persisted_and_answered_with_what_went_against_the_invoice() {
    create();
    record("inv_1", "ord_1", "119.00");
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
    record("inv_1", "ord_1", "119.00");

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
    assertRecoversToTheSameState();
  }

  @Test
  void issuing_the_same_credit_note_again_answers_it_as_replayed_without_an_event() {
    create();
    record("inv_1", "ord_1", "119.00");
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
    record("inv_1", "ord_1", "119.00");
    record("inv_2", "ord_2", "50.00");
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
  void a_credit_note_on_an_invoice_the_account_does_not_have_yet_is_unavailable() {
    create();

    var result = account.<LedgerResult>runCommand(
        r -> new IssueCreditNote("inv_9", "cn_1", new BigDecimal("10.00"), "damaged", "alice", r));

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
    record("inv_1", "ord_1", "119.00");
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
    reserve("ord_2", "20.00");
    record("inv_1", "ord_1", "119.00");
    var later = clock.advance(Duration.ofHours(3));

    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "duplicate", "bob", r));

    assertEquals(new LedgerResult.Voided("inv_1", "duplicate", "bob", later), result.reply());
    assertEquals(List.of(new InvoiceVoided("inv_1", "duplicate", "bob", later)), result.events());
    assertTrue(result.state().settled().get("inv_1").voided());
    var view = view();
    assertEquals(0, view.openInvoices());
    assertMoney("20.00", view.creditUsed());
    assertRecoversToTheSameState();
  }

  @Test
  void voiding_a_credited_invoice_is_an_illegal_transition_from_partially_paid() {
    create();
    record("inv_1", "ord_1", "119.00");
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
    record("inv_1", "ord_1", "119.00");
    creditNote("inv_1", "cn_1", "119.00");

    var result = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "duplicate", "bob", r));

    var failed = assertRejected(Rejection.Kind.ILLEGAL_TRANSITION, result.reply());
    assertEquals(Map.of("currentStatus", "PAID"), failed.rejection().details());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void voiding_a_void_invoice_again_answers_voided_without_an_event() {
    create();
    record("inv_1", "ord_1", "119.00");
    voidInvoice("inv_1", "duplicate", "bob");

    var again = account.<LedgerResult>runCommand(r -> new VoidInvoice("inv_1", "duplicate", "bob", r));

    var voided = assertInstanceOf(LedgerResult.Voided.class, again.reply());
    assertEquals("inv_1", voided.invoiceId());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void voiding_again_answers_the_original_void_not_the_retry() {
    create();
    record("inv_1", "ord_1", "119.00");
    var voidedAt = clock.advance(Duration.ofHours(1));
    voidInvoice("inv_1", "duplicate", "bob");
    clock.advance(Duration.ofHours(1));
    record("inv_2", "ord_2", "50.00");

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

  // --- CancelInvoice --------------------------------------------------------------------------

  @Test
  void cancelling_the_order_of_an_untouched_invoice_voids_it() {
    create();
    record("inv_1", "ord_1", "119.00");

    var result = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));

    assertEquals(Done.getInstance(), result.reply());
    assertEquals(List.of(new InvoiceVoided("inv_1", "order cancelled", "bob", T0)), result.events());
    assertTrue(result.state().settled().get("inv_1").voided());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_the_order_of_a_credited_invoice_issues_the_cancellation_credit_note_once() {
    create();
    record("inv_1", "ord_1", "119.00");
    creditNote("inv_1", "cn_1", "30.00");

    var result = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));
    var again = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));

    assertEquals(1, result.events().size());
    var note = assertInstanceOf(CreditNoteIssued.class, result.events().get(0));
    assertEquals("cn_cancel_inv_1", note.creditNoteId());
    assertMoney("89.00", note.appliedToInvoice());
    assertEquals(0, view().openInvoices());
    assertTrue(again.hasNoEvents());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_the_order_of_a_credited_invoice_leaves_no_account_credit_when_nothing_was_paid() {
    create();
    record("inv_1", "ord_1", "119.00");
    creditNote("inv_1", "cn_1", "30.00");

    account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));

    var view = view();
    assertMoney("0", view.accountCredit());
    assertMoney("0", view.balance());
  }

  @Test
  void cancelling_twice_before_the_invoice_is_recorded_notes_it_once() {
    create();

    var first = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));
    var again = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));

    assertEquals(1, first.events().size());
    assertTrue(again.hasNoEvents());
    assertEquals(Done.getInstance(), again.reply());
  }

  @Test
  void cancelling_on_a_missing_account_persists_nothing() {
    var result = account.<Done>runCommand(r -> new CancelInvoice("inv_1", "ord_1", "bob", r));

    assertEquals(Done.getInstance(), result.reply());
    assertTrue(result.hasNoEvents());
  }

  // --- RunDunning -----------------------------------------------------------------------------

  @Test
  void a_dunning_run_takes_the_steps_reached_and_answers_how_many_and_the_next_day() {
    create();
    record("inv_1", "ord_1", "119.00");
    var later = clock.advance(Duration.ofDays(40));

    var result = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(20), r));

    assertEquals(new DunningRun(2, DUE.plusDays(30)), result.reply());
    assertEquals(List.of(
        new DunningLevelRaised("inv_1", "INV-2026-000001", DunningLevel.REMINDER, 20, false, later),
        new DunningLevelRaised("inv_1", "INV-2026-000001", DunningLevel.SECOND_NOTICE, 20, false, later)), result.events());
    assertEquals(DunningLevel.SECOND_NOTICE, result.state().receivables().get("inv_1").dunningLevel());
    assertRecoversToTheSameState();
  }

  @Test
  void a_second_dunning_run_on_the_same_day_takes_no_step() {
    create();
    record("inv_1", "ord_1", "119.00");
    dunning(DUE.plusDays(1));

    var again = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(1), r));

    assertEquals(new DunningRun(0, DUE.plusDays(15)), again.reply());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void a_dunning_run_before_anything_is_due_answers_the_first_step_day() {
    create();
    record("inv_1", "ord_1", "119.00");

    var result = account.<DunningRun>runCommand(r -> new RunDunning(ISSUED, r));

    assertEquals(new DunningRun(0, DUE.plusDays(1)), result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void a_dunning_run_without_open_invoices_or_account_answers_no_next_day() {
    var missing = account.<DunningRun>runCommand(r -> new RunDunning(DUE, r));
    create();
    record("inv_1", "ord_1", "119.00");
    creditNote("inv_1", "cn_1", "119.00");

    var settled = account.<DunningRun>runCommand(r -> new RunDunning(DUE.plusDays(40), r));

    assertEquals(new DunningRun(0, null), missing.reply());
    assertTrue(missing.hasNoEvents());
    assertEquals(new DunningRun(0, null), settled.reply());
    assertTrue(settled.hasNoEvents());
  }

  @Test
  void the_final_notice_puts_the_customer_on_credit_hold_until_the_invoice_is_credited_to_zero() {
    create();
    record("inv_1", "ord_1", "119.00");
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

    var refused = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("ord_2", new BigDecimal("10.00"), "EUR", false, "shop", r));
    var notReserved = assertInstanceOf(CreditDecision.NotReserved.class, refused.reply());
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), notReserved.issues());
    assertTrue(refused.hasNoEvents());

    var partly = creditNote("inv_1", "cn_1", "100.00");
    assertMoney("100.00", partly.creditNote().appliedToInvoice());
    assertTrue(view().dunningHold(), "still held while something is owed");

    creditNote("inv_1", "cn_2", "19.00");

    var lifted = view();
    assertEquals(CustomerStatus.ACTIVE, lifted.status());
    assertFalse(lifted.dunningHold());
    var reserved = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("ord_2", new BigDecimal("10.00"), "EUR", false, "shop", r));
    assertInstanceOf(CreditDecision.Reserved.class, reserved.reply());
    assertEquals(1, reserved.events().size());
    assertRecoversToTheSameState();
  }

  @Test
  void an_approval_can_still_reserve_credit_on_dunning_hold_and_records_the_hold_it_overrode() {
    create();
    record("inv_1", "ord_1", "119.00");
    dunning(DUE.plusDays(30));

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("ord_2", new BigDecimal("10.00"), "EUR", true, "approver", r));

    var reserved = assertInstanceOf(CreditDecision.Reserved.class, result.reply());
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), reserved.overridden());
    assertEquals(1, result.events().size());
  }

  // --- Tags and recovery ----------------------------------------------------------------------

  @Test
  void ledger_events_are_tagged_with_the_accounts_bucket_and_credit_reservations_are_not() throws Exception {
    create();
    reserve("ord_1", "100.00");
    record("inv_1", "ord_1", "119.00");
    record("inv_2", "ord_2", "50.00");
    creditNote("inv_1", "cn_1", "19.00");
    voidInvoice("inv_2", "duplicate", "bob");
    dunning(DUE.plusDays(1));
    var tag = "account-" + Math.floorMod(entityId.hashCode(), SETTINGS.tagBuckets());

    var tagged = eventsTagged(tag);

    assertEquals(List.of(ReceivableRecorded.class, ReceivableRecorded.class, CreditNoteIssued.class, InvoiceVoided.class,
        DunningLevelRaised.class), tagged.stream().map(Object::getClass).toList());
    for (int bucket = 0; bucket < SETTINGS.tagBuckets(); bucket++) {
      var other = "account-" + bucket;
      if (!other.equals(tag)) {
        assertEquals(List.of(), eventsTagged(other), "events under " + other);
      }
    }
    assertEquals(7, journal().size(), "Created and CreditReserved are in the journal, untagged");
  }

  @Test
  void a_ledger_with_every_kind_of_event_recovers_to_the_same_state() {
    create();
    reserve("ord_1", "100.00");
    reserve("ord_3", "30.00");
    record("inv_1", "ord_1", "119.00");
    record("inv_2", "ord_2", "50.00");
    creditNote("inv_1", "cn_1", "19.00");
    creditNote("inv_2", "cn_2", "80.00");
    account.<Done>runCommand(r -> new CancelInvoice("inv_3", "ord_3", "bob", r));
    dunning(DUE.plusDays(16));
    var before = account.getState();

    var after = account.restart().state();

    assertEquals(before, after);
    assertMoney("100.00", after.receivable());
    assertMoney("30.00", after.accountCredit());
    assertMoney("0", after.reserved());
    assertTrue(after.cancelledInvoices().contains("inv_3"));
    assertEquals(DunningLevel.SECOND_NOTICE, after.receivables().get("inv_1").dunningLevel());
  }

  // --- Helpers --------------------------------------------------------------------------------

  private void create() {
    var result = account.<CustomerResult>runCommand(r -> new Create(
        new NewCustomer(customerId, "Acme Retail GmbH", "ap@acme.example", "EUR", new BigDecimal("1000.00"), 30), "key-1", "alice", r));
    assertInstanceOf(CustomerResult.Ok.class, result.reply());
  }

  private void reserve(String orderId, String amount) {
    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit(orderId, new BigDecimal(amount), "EUR", false, "shop", r));
    assertInstanceOf(CreditDecision.Reserved.class, result.reply());
  }

  private static ReceivableInfo info(String invoiceId, String orderId, String total) {
    var number = "INV-2026-00000" + invoiceId.substring(invoiceId.length() - 1);
    return new ReceivableInfo(invoiceId, number, orderId, "PO-1", "EUR", new BigDecimal(total), ISSUED, DUE);
  }

  private void record(String invoiceId, String orderId, String total) {
    var result = account.<Done>runCommand(r -> new RecordReceivable(info(invoiceId, orderId, total), r));
    assertEquals(1, result.events().size());
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
