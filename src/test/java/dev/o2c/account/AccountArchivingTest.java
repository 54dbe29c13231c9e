package dev.o2c.account;

import static dev.o2c.account.AccountFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.account.CustomerAccount.ApplyPayment;
import dev.o2c.account.CustomerAccount.ArchiveTick;
import dev.o2c.account.CustomerAccount.ChangeOrder;
import dev.o2c.account.CustomerAccount.Command;
import dev.o2c.account.CustomerAccount.Create;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.GetInvoice;
import dev.o2c.account.CustomerAccount.GetPayment;
import dev.o2c.account.CustomerAccount.GetStatement;
import dev.o2c.account.CustomerAccount.IssueCreditNote;
import dev.o2c.account.CustomerAccount.ItemsArchived;
import dev.o2c.account.CustomerAccount.ItemsRestored;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PlaceOrder;
import dev.o2c.account.CustomerAccount.PlacementRecorded;
import dev.o2c.account.CustomerAccount.ReversePayment;
import dev.o2c.account.CustomerAccount.StatementAnswer;
import dev.o2c.account.CustomerAccount.UnallocatePayment;
import dev.o2c.infra.O2cConfig;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoiceView;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderStatus;
import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Settled invoices and finished payments leave the account's state for the archive, and come back
 * when a command needs them: the state holds what is open, whatever the history; a chargeback, a
 * cancellation or a credit note of something archived decides exactly as if it had never left;
 * reads of an archived invoice, payment or statement answer as before; recovery gives the same
 * state.
 */
class AccountArchivingTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "AccountArchivingTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  /** Archive what is untouched for a day; rounds only when a test sends the tick. */
  private static final ArchiveSettings ARCHIVING = new ArchiveSettings(true, Duration.ofDays(1), Duration.ofHours(10), 1000);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private final RecordingLedgerEffects effects = new RecordingLedgerEffects();
  private final AccountArchive archive = AccountArchive.inMemory();

  private String customerId;
  private String entityId;
  private EventSourcedBehaviorTestKit<Command, Event, CustomerState> account;

  @BeforeEach
  void start() {
    customerId = "cust-" + IDS.incrementAndGet();
    entityId = "acme:" + customerId;
    account = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        CustomerAccount.create(entityId, new CustomerAccount.Dependencies(clock, effects, AccountFixtures.settings(),
            AccountFixtures.INVOICING, AccountFixtures.PAYMENTS, archive, ARCHIVING)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    account.<CustomerResult>runCommand(r -> new Create(
        new NewCustomer(customerId, "Acme Retail GmbH", "ap@acme.example", "EUR", new BigDecimal("1000.00"), 30), "key-1", "alice", r));
  }

  @AfterEach
  void reset() {
    account.persistenceTestKit().resetPolicy();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @Test
  void settled_invoices_and_their_payments_leave_the_state_and_reads_still_find_them() {
    place("ord_1", "100.00");
    place("ord_2", "50.00");
    pay("pay_1", "119.00", "INV-2026-000001");
    pay("pay_2", "10.00", "nothing to match");
    var paid = invoice("inv_1");
    var payment = payment("pay_1");
    var before = account.getState();
    clock.advance(Duration.ofDays(2));

    archiveRound();

    var state = account.getState();
    assertFalse(state.knowsInvoice("inv_1"), "the paid invoice left");
    assertFalse(state.payments().containsKey("pay_1"), "its payment left");
    assertTrue(state.receivables().containsKey("inv_2"), "the open invoice stays");
    assertTrue(state.payments().containsKey("pay_2"), "a payment with money left to apply stays");
    assertSameMoney(before.receivable(), state.receivable());
    assertSameMoney(before.unappliedCash(), state.unappliedCash());
    assertSameMoney(before.accountCredit(), state.accountCredit());
    assertSameMoney(before.balance(), state.balance());
    var archived = lastOf(ItemsArchived.class);
    assertEquals(List.of("inv_1"), archived.invoiceIds());
    assertEquals(List.of("pay_1"), archived.paymentIds());
    assertEquals(paid, invoice("inv_1"), "an archived invoice reads as it was");
    assertEquals(payment, payment("pay_1"), "an archived payment reads as it was");
    var statement = account.<StatementAnswer>runCommand(r -> new GetStatement(LocalDate.parse("2026-11-01"),
        LocalDate.parse("2026-11-30"), r)).reply().statement();
    assertEquals(Set.of("pay_1", "pay_2"), Set.copyOf(statement.payments().stream().map(Statement.Payment::paymentId).toList()),
        "a statement lists archived payments of its period too");
    assertRecoversToTheSameState();
  }

  @Test
  void nothing_leaves_before_it_has_been_settled_for_the_configured_time() {
    place("ord_1", "100.00");
    pay("pay_1", "119.00", "INV-2026-000001");
    clock.advance(Duration.ofHours(20));

    account.runCommand(new ArchiveTick());

    assertTrue(account.getState().knowsInvoice("inv_1"));
    assertTrue(account.getState().payments().containsKey("pay_1"));
    assertTrue(journal().stream().noneMatch(e -> e instanceof ItemsArchived));
  }

  @Test
  void a_chargeback_of_an_archived_payment_restores_it_and_its_invoice_in_the_write_of_the_reversal() {
    place("ord_1", "100.00");
    pay("pay_1", "119.00", "INV-2026-000001");
    clock.advance(Duration.ofDays(2));
    archiveRound();
    var journalBefore = journal().size();

    var reply = account.<PaymentLedgerResult>runCommand(r -> new ReversePayment("pay_1", "chargeback", "bank", r)).reply();

    assertTrue(assertInstanceOf(PaymentLedgerResult.Ok.class, reply).payment().reversed());
    var written = journal().subList(journalBefore, journal().size());
    assertEquals(List.of(ItemsRestored.class, PaymentReversed.class), classes(written), "restored in the same write as the reversal");
    var restored = (ItemsRestored) written.get(0);
    assertEquals(List.of("inv_1"), restored.invoices().stream().map(Receivable::invoiceId).toList());
    assertEquals(List.of("pay_1"), restored.payments().stream().map(PaymentEntry::paymentId).toList());
    var state = account.getState();
    assertTrue(state.receivables().containsKey("inv_1"), "the invoice owes the money again");
    assertMoney("119.00", state.receivable());
    assertMoney("119.00", state.balance());
    assertEquals(InvoiceStatus.ISSUED, invoice("inv_1").status());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_an_order_whose_paid_invoice_was_archived_gives_the_customer_the_money_as_account_credit() {
    place("ord_1", "100.00");
    pay("pay_1", "119.00", "INV-2026-000001");
    clock.advance(Duration.ofDays(2));
    archiveRound();

    var answer = account.<LedgerAnswer>runCommand(r -> new ChangeOrder("ord_1", OrderLedger.Change.CANCEL, "returned", "alice", r))
        .reply();

    assertEquals(OrderStatus.CANCELLED, assertInstanceOf(LedgerAnswer.Accepted.class, answer).status());
    var note = lastOf(CreditNoteIssued.class);
    assertEquals("cn_cancel_inv_1", note.creditNoteId());
    assertMoney("119.00", note.toAccountCredit());
    assertMoney("119.00", account.getState().accountCredit());
    assertTrue(account.getState().settled().get("inv_1").cancelled());
    assertRecoversToTheSameState();
  }

  @Test
  void a_credit_note_on_an_archived_invoice_goes_to_account_credit_and_an_unknown_invoice_is_still_refused() {
    place("ord_1", "100.00");
    pay("pay_1", "119.00", "INV-2026-000001");
    clock.advance(Duration.ofDays(2));
    archiveRound();

    var credited = account.<LedgerResult>runCommand(r -> new IssueCreditNote("inv_1", "cn_1", new BigDecimal("20.00"), "goodwill",
        "alice", r)).reply();
    var unknown = account.<LedgerResult>runCommand(r -> new IssueCreditNote("inv_9", "cn_2", new BigDecimal("20.00"), "goodwill",
        "alice", r)).reply();

    assertMoney("20.00", assertInstanceOf(LedgerResult.CreditNote.class, credited).creditNote().toAccountCredit());
    assertMoney("20.00", account.getState().accountCredit());
    assertInstanceOf(LedgerResult.Failed.class, unknown);
    assertRecoversToTheSameState();
  }

  @Test
  void an_unallocation_from_an_archived_invoice_reopens_it() {
    place("ord_1", "100.00");
    pay("pay_1", "119.00", "INV-2026-000001");
    clock.advance(Duration.ofDays(2));
    archiveRound();

    var reply = account.<PaymentLedgerResult>runCommand(r -> new UnallocatePayment("pay_1", "inv_1", "alice", r)).reply();

    assertMoney("119.00", assertInstanceOf(PaymentLedgerResult.Ok.class, reply).payment().unapplied());
    assertMoney("119.00", account.getState().receivable());
    assertMoney("119.00", account.getState().unappliedCash());
    assertRecoversToTheSameState();
  }

  @Test
  void a_payment_still_paying_an_invoice_that_stays_does_not_leave() {
    place("ord_1", "100.00");
    place("ord_2", "100.00");
    // 200.00 pays inv_1 (119.00) in full and 81.00 of inv_2, which stays open.
    pay("pay_1", "200.00", null);
    clock.advance(Duration.ofDays(2));

    archiveRound();

    assertFalse(account.getState().knowsInvoice("inv_1"));
    assertTrue(account.getState().payments().containsKey("pay_1"), "it paid inv_2, which is open");
    // Its invoice left: taking the payment back restores inv_1 and reopens both.
    var reply = account.<PaymentLedgerResult>runCommand(r -> new ReversePayment("pay_1", "returned", "bank", r)).reply();
    assertInstanceOf(PaymentLedgerResult.Ok.class, reply);
    assertMoney("238.00", account.getState().receivable());
    assertRecoversToTheSameState();
  }

  @Test
  void when_the_archive_cannot_be_read_reads_that_need_it_are_unavailable_not_wrong() {
    var broken = new AccountArchive() {
      @Override
      public java.util.concurrent.CompletionStage<org.apache.pekko.Done> store(String t, String c, List<Receivable> i,
          List<PaymentEntry> p) {
        return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("down"));
      }

      @Override
      public java.util.concurrent.CompletionStage<AccountArchive.Found> load(String t, String c, Set<String> i, Set<String> p) {
        return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("down"));
      }

      @Override
      public java.util.concurrent.CompletionStage<List<PaymentEntry>> paymentsReceived(String t, String c, LocalDate f, LocalDate to) {
        return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("down"));
      }
    };
    var other = EventSourcedBehaviorTestKit.<Command, Event, CustomerState>create(testKit.system(),
        CustomerAccount.create("acme:cust-broken-" + IDS.incrementAndGet(), new CustomerAccount.Dependencies(clock, effects,
            AccountFixtures.settings(), AccountFixtures.INVOICING, AccountFixtures.PAYMENTS, broken, ARCHIVING)));
    other.<CustomerResult>runCommand(r -> new Create(
        new NewCustomer("cust-broken", "B", "ap@b.example", "EUR", new BigDecimal("1000.00"), 30), "key-b", "alice", r));

    var statement = other.<StatementAnswer>runCommand(r -> new GetStatement(LocalDate.parse("2026-11-01"),
        LocalDate.parse("2026-11-30"), r)).reply();
    var invoice = other.<InvoiceResult>runCommand(r -> new GetInvoice("inv_9", r)).reply();
    var payment = other.<PaymentLedgerResult>runCommand(r -> new GetPayment("pay_9", r)).reply();

    assertEquals(dev.o2c.infra.Rejection.Kind.UNAVAILABLE, statement.failure().kind());
    assertEquals(null, statement.statement());
    assertEquals(dev.o2c.infra.Rejection.Kind.UNAVAILABLE, assertInstanceOf(InvoiceResult.Failed.class, invoice).rejection().kind());
    assertEquals(dev.o2c.infra.Rejection.Kind.UNAVAILABLE,
        assertInstanceOf(PaymentLedgerResult.Failed.class, payment).rejection().kind());
  }

  // --- helpers --------------------------------------------------------------------------------

  /** A tick, and the write it leads to once the items are stored. */
  private void archiveRound() {
    var size = journal().size();
    account.runCommand(new ArchiveTick());
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(journal().size() > size, "the items left in a write");
      return null;
    });
  }

  private void place(String orderId, String net) {
    var placed = request(orderId, customerId, net, "STANDARD", clock.now());
    var answer = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(placed, r)).reply();
    assertInstanceOf(LedgerAnswer.Accepted.class, answer);
    // The order has its record: the confirmation rides along with the next write (a payment in every test).
    account.runCommand(new PlacementRecorded(orderId));
  }

  private void pay(String paymentId, String amount, String remittance) {
    var reply = account.<PaymentLedgerResult>runCommand(r -> new ApplyPayment(paymentId, new BigDecimal(amount), "EUR", clock.today(),
        remittance, null, r)).reply();
    assertInstanceOf(PaymentLedgerResult.Ok.class, reply);
  }

  private InvoiceView invoice(String invoiceId) {
    var reply = account.<InvoiceResult>runCommand(r -> new GetInvoice(invoiceId, r)).reply();
    return assertInstanceOf(InvoiceResult.Ok.class, reply).invoice();
  }

  private PaymentEntry payment(String paymentId) {
    var reply = account.<PaymentLedgerResult>runCommand(r -> new GetPayment(paymentId, r)).reply();
    return assertInstanceOf(PaymentLedgerResult.Ok.class, reply).payment();
  }

  private <T> T lastOf(Class<T> type) {
    var events = journal().stream().filter(type::isInstance).map(type::cast).toList();
    assertFalse(events.isEmpty(), "no " + type.getSimpleName());
    return events.get(events.size() - 1);
  }

  private List<Object> journal() {
    return account.persistenceTestKit().persistedInStorage("CustomerAccount|" + entityId);
  }

  private static List<Class<?>> classes(List<?> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  private void assertRecoversToTheSameState() {
    var before = account.getState();
    assertEquals(before, account.restart().state());
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }

  /** Amounts compare by value, never by scale. */
  private static void assertSameMoney(BigDecimal expected, BigDecimal actual) {
    assertTrue(expected.compareTo(actual) == 0, () -> "expected the amount " + expected + " but was " + actual);
  }
}
