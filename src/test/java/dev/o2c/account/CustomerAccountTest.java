package dev.o2c.account;

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
import dev.o2c.account.CustomerAccount.ChangeOrder;
import dev.o2c.account.CustomerAccount.CheckPlacements;
import dev.o2c.account.CustomerAccount.Command;
import dev.o2c.account.CustomerAccount.Create;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.Get;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.account.CustomerAccount.OrderClosed;
import dev.o2c.account.CustomerAccount.PlaceOrder;
import dev.o2c.account.CustomerAccount.PlacementRecorded;
import dev.o2c.account.CustomerAccount.PlacementsConfirmed;
import dev.o2c.account.CustomerAccount.ProfileUpdated;
import dev.o2c.account.CustomerAccount.Update;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.order.AutomationRules;
import dev.o2c.order.HoldReason;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The customer account entity as the one writer of a customer's credit: opening and changing the
 * account, taking orders (credit at the gross total), approving, rejecting, cancelling and
 * shipping them, the healing of placements an order lost, the batching of what queues behind a
 * write, and recovery to the same state. Invoices and the money on them: {@link CustomerLedgerTest}.
 */
class CustomerAccountTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "CustomerAccountTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  /** Every test has an account of its own: the journal is shared by the whole class. */
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  private final RecordingLedgerEffects effects = new RecordingLedgerEffects();

  private String tenantId;
  private String customerId;
  private EventSourcedBehaviorTestKit<Command, Event, CustomerState> account;
  private JournalWrites writes;

  @BeforeEach
  void startAccount() {
    startAccount("acme", AccountFixtures.settings());
  }

  /** A new account of the tenant ("acme" invoices on verification, "shipco" on shipment). */
  private void startAccount(String tenant, AccountSettings settings) {
    tenantId = tenant;
    customerId = "cust-" + IDS.incrementAndGet();
    // Commands, events and state must also come back from serialization equal to what went in.
    account = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        CustomerAccount.create(tenant + ":" + customerId, AccountFixtures.dependencies(clock, effects, settings)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
    writes = new JournalWrites(persistenceId());
    account.persistenceTestKit().withPolicy(writes);
  }

  @AfterEach
  void resetJournal() {
    writes.release();
    account.persistenceTestKit().resetPolicy();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  // --- Create ---------------------------------------------------------------------------------

  @Test
  void creating_an_account_persists_created_and_answers_it_with_all_credit_available() {
    var customer = newCustomer("1000.00");

    var result = account.<CustomerResult>runCommand(r -> new Create(customer, "key-1", "alice", r));

    var ok = assertInstanceOf(CustomerResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    var view = ok.customer();
    assertEquals(customerId, view.customerId());
    assertEquals("Acme Retail GmbH", view.name());
    assertEquals("ap@acme.example", view.email());
    assertEquals("EUR", view.currency());
    assertEquals(CustomerStatus.ACTIVE, view.status());
    assertMoney("1000.00", view.creditLimit());
    assertMoney("0", view.creditUsed());
    assertMoney("1000.00", view.availableCredit());
    assertMoney("0", view.reservedForOrders());
    assertEquals(0, view.openOrders());
    assertEquals(30, view.paymentTermsDays());
    assertEquals(T0, view.createdAt());
    assertEquals(T0, view.updatedAt());

    assertEquals(1, result.events().size());
    var created = assertInstanceOf(Created.class, result.events().get(0));
    assertEquals(customerId, created.customerId());
    assertEquals("Acme Retail GmbH", created.name());
    assertEquals("ap@acme.example", created.email());
    assertEquals("EUR", created.currency());
    assertMoney("1000.00", created.creditLimit());
    assertEquals(30, created.paymentTermsDays());
    assertEquals("key-1", created.creationKey());
    assertEquals(customer.fingerprint(), created.requestHash());
    assertEquals("alice", created.by());
    assertEquals(T0, created.at());

    var state = result.state();
    assertTrue(state.exists());
    assertEquals(created, state.origin());
    assertTrue(state.orders().isEmpty());
    assertTrue(state.receivables().isEmpty());
    assertMoney("0", state.creditUsed());
    assertRecoversToTheSameState();
  }

  @Test
  void creating_again_with_the_same_key_and_request_answers_the_first_answer_without_an_event() {
    create("1000.00");
    clock.advance(Duration.ofHours(1));
    update(new CustomerPatch("Acme Retail AG", null, false, null, null, null));
    place("ord_1", "250.00", null);

    // The same request written differently (1000 for 1000.00) and sent by someone else.
    var retry = account.<CustomerResult>runCommand(r -> new Create(newCustomer("1000"), "key-1", "bob", r));

    var ok = assertInstanceOf(CustomerResult.Ok.class, retry.reply());
    assertTrue(ok.replayed());
    assertEquals("Acme Retail GmbH", ok.customer().name());
    assertMoney("0", ok.customer().creditUsed());
    assertMoney("1000.00", ok.customer().availableCredit());
    assertEquals(T0, ok.customer().createdAt());
    assertEquals(T0, ok.customer().updatedAt());
    assertTrue(retry.hasNoEvents());
    assertEquals("Acme Retail AG", retry.state().name());
    assertMoney("250.00", retry.state().creditUsed());
  }

  @Test
  void creating_again_with_the_same_key_and_another_request_is_refused_as_key_reused() {
    create("1000.00");

    var retry = account.<CustomerResult>runCommand(r -> new Create(newCustomer("2000.00"), "key-1", "alice", r));

    assertRejected(Rejection.Kind.KEY_REUSED, retry.reply());
    assertTrue(retry.hasNoEvents());
    assertMoney("1000.00", retry.state().creditLimit());
  }

  @Test
  void creating_an_existing_account_with_another_key_or_none_is_refused_as_already_exists() {
    create("1000.00");
    var before = account.getState();

    var otherKey = account.<CustomerResult>runCommand(r -> new Create(newCustomer("1000.00"), "key-2", "alice", r));
    var noKey = account.<CustomerResult>runCommand(r -> new Create(newCustomer("1000.00"), null, "alice", r));

    assertRejected(Rejection.Kind.ALREADY_EXISTS, otherKey.reply());
    assertTrue(otherKey.hasNoEvents());
    assertRejected(Rejection.Kind.ALREADY_EXISTS, noKey.reply());
    assertTrue(noKey.hasNoEvents());
    assertEquals(before, account.getState());
  }

  @Test
  void an_account_created_without_a_key_is_not_replayed_by_a_request_without_a_key() {
    account.<CustomerResult>runCommand(r -> new Create(newCustomer("1000.00"), null, "alice", r));

    var again = account.<CustomerResult>runCommand(r -> new Create(newCustomer("1000.00"), null, "alice", r));

    assertRejected(Rejection.Kind.ALREADY_EXISTS, again.reply());
    assertTrue(again.hasNoEvents());
  }

  // --- Get and Update -------------------------------------------------------------------------

  @Test
  void getting_a_missing_account_is_not_found() {
    var result = account.<CustomerResult>runCommand(Get::new);

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void getting_an_account_answers_it_with_the_credit_its_orders_and_invoices_use() {
    startAccount("shipco", AccountFixtures.settings());
    create("1000.00");
    place("ord_1", "300.00", null);
    place("ord_2", "200.00", null);
    change("ord_2", OrderLedger.Change.SHIP);

    var result = account.<CustomerResult>runCommand(Get::new);

    var ok = assertInstanceOf(CustomerResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    assertMoney("300.00", ok.customer().reservedForOrders());
    assertEquals(1, ok.customer().openOrders());
    assertMoney("200.00", ok.customer().openReceivables());
    assertEquals(1, ok.customer().openInvoices());
    assertMoney("500.00", ok.customer().creditUsed());
    assertMoney("500.00", ok.customer().availableCredit());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void updating_a_missing_account_is_not_found_and_persists_nothing() {
    var result = account.<CustomerResult>runCommand(
        r -> new Update(new CustomerPatch("Name", null, false, null, null, null), "alice", r));

    assertRejected(Rejection.Kind.NOT_FOUND, result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().exists());
  }

  @Test
  void updating_the_name_persists_the_whole_profile_with_only_the_name_changed() {
    create("1000.00");
    var later = clock.advance(Duration.ofMinutes(10));

    var result = account.<CustomerResult>runCommand(
        r -> new Update(new CustomerPatch("Acme Retail AG", null, false, null, null, null), "bob", r));

    var view = assertInstanceOf(CustomerResult.Ok.class, result.reply()).customer();
    assertEquals("Acme Retail AG", view.name());
    assertEquals("ap@acme.example", view.email());
    assertEquals(later, view.updatedAt());
    assertEquals(T0, view.createdAt());
    assertProfileUpdated(result.events(), "Acme Retail AG", "ap@acme.example", "1000.00", 30, CustomerStatus.ACTIVE, "bob", later);
    assertEquals("Acme Retail AG", result.state().name());
    assertRecoversToTheSameState();
  }

  @Test
  void updating_the_email_persists_the_new_email() {
    create("1000.00");

    var result = update(new CustomerPatch(null, "billing@acme.example", false, null, null, null));

    assertEquals("billing@acme.example", okView(result.reply()).email());
    assertProfileUpdated(result.events(), "Acme Retail GmbH", "billing@acme.example", "1000.00", 30, CustomerStatus.ACTIVE, "alice", T0);
    assertEquals("billing@acme.example", result.state().email());
  }

  @Test
  void clearing_the_email_persists_a_profile_without_email() {
    create("1000.00");

    var result = update(new CustomerPatch(null, null, true, null, null, null));

    assertNull(okView(result.reply()).email());
    assertProfileUpdated(result.events(), "Acme Retail GmbH", null, "1000.00", 30, CustomerStatus.ACTIVE, "alice", T0);
    assertNull(result.state().email());
    assertRecoversToTheSameState();
  }

  @Test
  void updating_the_credit_limit_stores_it_at_the_currency_scale_and_moves_the_available_credit() {
    create("1000.00");
    place("ord_1", "300.00", null);

    var result = update(new CustomerPatch(null, null, false, new BigDecimal("2000.5"), null, null));

    var view = okView(result.reply());
    assertMoney("2000.50", view.creditLimit());
    assertMoney("300.00", view.creditUsed());
    assertMoney("1700.50", view.availableCredit());
    assertProfileUpdated(result.events(), "Acme Retail GmbH", "ap@acme.example", "2000.50", 30, CustomerStatus.ACTIVE, "alice", T0);
    assertEquals(2, ((ProfileUpdated) result.events().get(0)).creditLimit().scale(), "a EUR amount has two decimals");
    assertMoney("1700.50", result.state().availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void updating_the_payment_terms_persists_them() {
    create("1000.00");

    var result = update(new CustomerPatch(null, null, false, null, 45, null));

    assertEquals(45, okView(result.reply()).paymentTermsDays());
    assertProfileUpdated(result.events(), "Acme Retail GmbH", "ap@acme.example", "1000.00", 45, CustomerStatus.ACTIVE, "alice", T0);
    assertEquals(45, result.state().paymentTermsDays());
  }

  @Test
  void the_status_moves_between_active_credit_hold_and_blocked() {
    create("1000.00");

    for (var status : List.of(CustomerStatus.CREDIT_HOLD, CustomerStatus.BLOCKED, CustomerStatus.ACTIVE)) {
      var result = update(new CustomerPatch(null, null, false, null, null, status));

      assertEquals(status, okView(result.reply()).status());
      assertProfileUpdated(result.events(), "Acme Retail GmbH", "ap@acme.example", "1000.00", 30, status, "alice", T0);
      assertEquals(status, result.state().status());
    }
    assertRecoversToTheSameState();
  }

  @Test
  void a_credit_limit_with_more_decimals_than_the_currency_is_invalid_and_changes_nothing() {
    create("1000.00");
    var before = account.getState();

    var result = update(new CustomerPatch("Acme Retail AG", null, false, new BigDecimal("2000.001"), null, null));

    var failed = assertRejected(Rejection.Kind.INVALID, result.reply());
    assertTrue(failed.rejection().details().containsKey("creditLimit"), failed.rejection().details().toString());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
  }

  @Test
  void a_credit_limit_with_decimals_is_invalid_for_a_yen_account() {
    account.<CustomerResult>runCommand(r -> new Create(
        new NewCustomer(customerId, "Acme KK", null, "JPY", new BigDecimal("100000"), 30), "key-1", "alice", r));

    var result = update(new CustomerPatch(null, null, false, new BigDecimal("150000.5"), null, null));

    var failed = assertRejected(Rejection.Kind.INVALID, result.reply());
    assertTrue(failed.rejection().details().containsKey("creditLimit"));
    assertTrue(result.hasNoEvents());
    assertMoney("100000", result.state().creditLimit());
  }

  @Test
  void an_empty_patch_answers_the_account_without_an_event() {
    create("1000.00");
    var before = account.getState();

    var result = update(new CustomerPatch(null, null, false, null, null, null));

    var view = okView(result.reply());
    assertEquals("Acme Retail GmbH", view.name());
    assertMoney("1000.00", view.availableCredit());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
  }


  // --- PlaceOrder: credit at the gross total --------------------------------------------------

  @Test
  void an_order_within_the_credit_is_verified_and_holds_its_gross_total_with_tax() {
    startAccount("shipco", AccountFixtures.settings());
    create("1000.00");
    var later = clock.advance(Duration.ofMinutes(1));
    // 840.00 net + 19 % tax 159.60 = 999.60
    var request = request("ord_1", customerId, "840.00", "STANDARD", later);

    var result = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var answer = assertAccepted(result.reply(), OrderStatus.VERIFIED, null, null);
    assertEquals(List.of(), answer.holdReasons());
    assertEquals(List.of(), answer.overridden());
    assertMoney("999.60", answer.grossTotal());
    assertEquals(1, result.events().size(), "a tenant invoicing on shipment issues no invoice yet");
    var accepted = assertOrderAccepted(result.events().get(0), "ord_1", OrderStatus.VERIFIED, List.of(), "999.60");
    assertEquals(request, accepted.request());
    assertEquals(later, accepted.at());
    var state = result.state();
    var open = state.orders().get("ord_1");
    assertEquals(OrderStatus.VERIFIED, open.status());
    assertMoney("999.60", open.gross());
    assertTrue(open.holdsCredit());
    assertMoney("999.60", state.reserved());
    assertMoney("999.60", state.creditUsed());
    assertMoney("0.40", state.availableCredit());
    assertEquals(Set.of("ord_1"), state.unconfirmed().keySet());
    assertEquals(List.of(), effects.numberCalls);
    assertRecoversToTheSameState();
  }

  @Test
  void an_order_whose_net_fits_the_available_credit_but_whose_gross_does_not_is_held() {
    create("1000.00");

    // 900.00 net fits 1000.00; with 19 % tax it is 1071.00
    var result = place("ord_1", "900.00", "STANDARD");

    var answer = assertAccepted(result.reply(), OrderStatus.ON_HOLD, null, null);
    assertMoney("1071.00", answer.grossTotal());
    assertEquals(List.of("CREDIT_LIMIT_EXCEEDED"), codes(answer.holdReasons()));
    var reason = answer.holdReasons().get(0);
    assertTrue(reason.detail().contains("gross total 1071.00 EUR (tax included)"), reason.detail());
    assertTrue(reason.detail().contains("available credit 1000.00 EUR"), reason.detail());
    assertNull(reason.rule(), "a credit reason names no rule");
    assertEquals(1, result.events().size(), "a held order is not invoiced: " + result.events());
    assertOrderAccepted(result.events().get(0), "ord_1", OrderStatus.ON_HOLD, List.of("CREDIT_LIMIT_EXCEEDED"), "1071.00");
    var state = result.state();
    assertEquals(OrderStatus.ON_HOLD, state.orders().get("ord_1").status());
    assertFalse(state.orders().get("ord_1").holdsCredit());
    assertMoney("0", state.reserved());
    assertMoney("0", state.creditUsed());
    assertMoney("1000.00", state.availableCredit());
    assertTrue(state.receivables().isEmpty());
    assertEquals(List.of(), effects.numberCalls, "no invoice number is taken for a held order");
    assertRecoversToTheSameState();
  }

  @Test
  void an_order_whose_gross_is_exactly_the_available_credit_is_verified_and_invoiced() {
    create("1000.00");

    // 840.34 net + 159.66 tax (159.6646 rounded half up) = 1000.00
    var result = place("ord_1", "840.34", "STANDARD");

    var answer = assertAccepted(result.reply(), OrderStatus.VERIFIED, "inv_1", "INV-2026-000001");
    assertEquals(List.of(), answer.holdReasons());
    assertMoney("1000.00", answer.grossTotal());
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(result.events()));
    assertMoney("0", result.state().availableCredit());
    assertMoney("1000.00", result.state().receivable());
  }

  @Test
  void the_credit_earlier_orders_and_their_invoices_use_counts_against_a_new_order() {
    create("1000.00");
    place("ord_1", "600.00", null);

    var over = place("ord_2", "400.01", null);
    var exact = place("ord_3", "400.00", null);

    var held = assertAccepted(over.reply(), OrderStatus.ON_HOLD, null, null);
    assertEquals(List.of("CREDIT_LIMIT_EXCEEDED"), codes(held.holdReasons()));
    assertTrue(held.holdReasons().get(0).detail().contains("available credit 400.00 EUR"), held.holdReasons().get(0).detail());
    assertEquals(1, over.events().size());
    assertAccepted(exact.reply(), OrderStatus.VERIFIED, "inv_3", "INV-2026-000002");
    assertMoney("1000.00", exact.state().creditUsed());
    assertMoney("0", exact.state().availableCredit());
  }

  @Test
  void a_customer_on_credit_hold_gets_held_orders_with_the_hold_as_the_reason() {
    create("1000.00");
    setStatus(CustomerStatus.CREDIT_HOLD);

    var small = place("ord_1", "10.00", null);
    var large = place("ord_2", "1500.00", null);

    assertEquals(List.of("CUSTOMER_CREDIT_HOLD"), codes(assertAccepted(small.reply(), OrderStatus.ON_HOLD, null, null).holdReasons()));
    assertEquals(1, small.events().size());
    assertEquals(List.of("CUSTOMER_CREDIT_HOLD", "CREDIT_LIMIT_EXCEEDED"),
        codes(assertAccepted(large.reply(), OrderStatus.ON_HOLD, null, null).holdReasons()));
    assertEquals(1, large.events().size());
    assertMoney("0", large.state().creditUsed());
    assertTrue(large.state().receivables().isEmpty());
  }

  @Test
  void an_order_a_rule_holds_is_held_within_the_credit_and_the_rules_reason_comes_before_credit_reasons() {
    create("1000.00");
    var small = request("ord_1", order(customerId, "EUR", "PO-1", line(1, "SKU-1", 1, "100.00", null)),
        heldByRule("LARGE_ORDER", "large-order"), T0);
    var large = request("ord_2", order(customerId, "EUR", "PO-2", line(1, "SKU-1", 3, "400.00", null)),
        heldByRule("LARGE_ORDER", "large-order"), T0);

    var first = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(small, r));
    var second = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(large, r));

    var held = assertAccepted(first.reply(), OrderStatus.ON_HOLD, null, null);
    assertEquals(List.of(new HoldReason("LARGE_ORDER", "Held by rule large-order.", "large-order")), held.holdReasons());
    assertEquals(1, first.events().size());
    assertOrderAccepted(first.events().get(0), "ord_1", OrderStatus.ON_HOLD, List.of("LARGE_ORDER"), "100.00");
    assertEquals(List.of("LARGE_ORDER", "CREDIT_LIMIT_EXCEEDED"),
        codes(assertAccepted(second.reply(), OrderStatus.ON_HOLD, null, null).holdReasons()));
    assertMoney("0", second.state().creditUsed());
  }

  @Test
  void an_order_of_a_blocked_customer_is_refused_and_persists_nothing() {
    create("1000.00");
    setStatus(CustomerStatus.BLOCKED);
    var before = account.getState();

    var result = place("ord_1", "10.00", null);

    var refused = assertRefused(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(refused.rejection().detail().contains("blocked"), refused.rejection().detail());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
  }

  @Test
  void an_order_in_another_currency_than_the_account_is_refused_and_persists_nothing() {
    create("1000.00");
    var before = account.getState();
    var request = request("ord_1", order(customerId, "USD", null, line(1, "SKU-1", 1, "10.00", null)), AutomationRules.Outcome.NONE, T0);

    var result = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var refused = assertRefused(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(refused.rejection().detail().contains("USD"), refused.rejection().detail());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
  }

  @Test
  void an_order_of_an_account_that_does_not_exist_is_refused_and_persists_nothing() {
    var result = place("ord_1", "10.00", null);

    assertRefused(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().exists());
  }

  @Test
  void an_order_with_a_tax_code_the_tenant_does_not_know_is_refused_and_persists_nothing() {
    create("1000.00");
    var before = account.getState();

    var result = place("ord_1", "10.00", "LUXURY");

    var refused = assertRefused(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(refused.rejection().detail().contains("LUXURY"), refused.rejection().detail());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
    assertEquals(List.of(), effects.numberCalls);
  }

  // --- PlaceOrder again: one order, one placement, one invoice ---------------------------------

  @Test
  void placing_the_same_order_again_answers_the_first_answer_and_issues_no_second_invoice() {
    create("1000.00");
    var request = request("ord_1", customerId, "100.00", "STANDARD", T0);
    var first = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));
    clock.advance(Duration.ofMinutes(1));

    var again = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var firstAnswer = assertAccepted(first.reply(), OrderStatus.VERIFIED, "inv_1", "INV-2026-000001");
    var againAnswer = assertInstanceOf(LedgerAnswer.Accepted.class, again.reply());
    assertTrue(againAnswer.replayed());
    assertEquals(OrderStatus.VERIFIED, againAnswer.status());
    assertEquals("inv_1", againAnswer.invoiceId());
    assertEquals("INV-2026-000001", againAnswer.invoiceNumber());
    assertMoney(firstAnswer.grossTotal().toPlainString(), againAnswer.grossTotal());
    assertTrue(again.hasNoEvents());
    assertEquals(1, invoicesIssuedFor("ord_1"));
    assertEquals(List.of("acme:INV:2026:1"), effects.numberCalls, "one number taken");
    assertMoney("119.00", again.state().creditUsed());
  }

  @Test
  void the_same_order_id_with_another_request_is_refused_as_key_reused_and_issues_nothing() {
    create("1000.00");
    place("ord_1", "100.00", "STANDARD");
    var before = account.getState();
    var other = request("ord_1", customerId, "250.00", "STANDARD", T0);

    var result = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(other, r));

    assertRefused(Rejection.Kind.KEY_REUSED, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
    assertEquals(1, invoicesIssuedFor("ord_1"));
  }

  @Test
  void a_held_order_placed_again_is_answered_held_again_with_its_reasons() {
    create("1000.00");
    var request = request("ord_1", customerId, "900.00", "STANDARD", T0);
    var first = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var again = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var answer = assertInstanceOf(LedgerAnswer.Accepted.class, again.reply());
    assertTrue(answer.replayed());
    assertEquals(OrderStatus.ON_HOLD, answer.status());
    assertEquals(assertInstanceOf(LedgerAnswer.Accepted.class, first.reply()).holdReasons(), answer.holdReasons());
    assertNull(answer.invoiceId());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void once_the_order_confirmed_its_record_a_placement_again_issues_nothing() {
    create("1000.00");
    var request = request("ord_1", customerId, "100.00", null, T0);
    account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));
    account.runCommand(new PlacementRecorded("ord_1"));
    place("ord_2", "10.00", null);
    assertFalse(account.getState().unconfirmed().containsKey("ord_1"));

    var again = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));
    var other = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request("ord_1", customerId, "999.00", null, T0), r));

    // (The order guards its Idempotency-Key itself once it has its record: only a lost answer brings it here.)
    for (var result : List.of(again, other)) {
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, result.reply());
      assertTrue(answer.replayed());
      assertEquals("inv_1", answer.invoiceId());
      assertEquals("INV-2026-000001", answer.invoiceNumber());
      assertTrue(result.hasNoEvents());
    }
    assertEquals(1, invoicesIssuedFor("ord_1"));
    assertMoney("110.00", account.getState().creditUsed());
  }

  // --- ChangeOrder ------------------------------------------------------------------------------

  @Test
  void approving_an_order_held_for_credit_takes_the_credit_despite_it_and_invoices_it_in_the_same_write() {
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");
    var later = clock.advance(Duration.ofHours(1));

    var result = change("ord_1", OrderLedger.Change.APPROVE);

    var answer = assertAccepted(result.reply(), OrderStatus.VERIFIED, "inv_1", "INV-2026-000001");
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), answer.overridden());
    assertEquals(2, result.events().size(), result.events().toString());
    assertEquals(new OrderApproved("ord_1", List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), "alice", later), result.events().get(0));
    var invoice = assertInstanceOf(InvoiceIssued.class, result.events().get(1));
    assertEquals("ord_1", invoice.orderId());
    assertMoney("1071.00", invoice.total());
    assertEquals(List.of(OrderApproved.class, InvoiceIssued.class), classes(lastWrite()), "one write");
    var state = result.state();
    assertFalse(state.orders().containsKey("ord_1"));
    assertMoney("0", state.reserved());
    assertMoney("1071.00", state.receivable());
    assertMoney("-71.00", state.availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void approving_a_held_order_of_a_tenant_invoicing_on_shipment_reserves_its_gross_total() {
    startAccount("shipco", AccountFixtures.settings());
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");

    var result = change("ord_1", OrderLedger.Change.APPROVE);

    var answer = assertAccepted(result.reply(), OrderStatus.VERIFIED, null, null);
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), answer.overridden());
    assertEquals(List.of(new OrderApproved("ord_1", List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), "alice", T0)), result.events());
    var open = result.state().orders().get("ord_1");
    assertEquals(OrderStatus.VERIFIED, open.status());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), open.overridden());
    assertMoney("1071.00", result.state().reserved());
    assertMoney("-71.00", result.state().availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void approving_an_order_held_only_by_a_rule_overrides_no_credit_issue() {
    create("1000.00");
    var request = request("ord_1", order(customerId, "EUR", null, line(1, "SKU-1", 1, "100.00", null)),
        heldByRule("LARGE_ORDER", "large-order"), T0);
    account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));

    var result = change("ord_1", OrderLedger.Change.APPROVE);

    assertEquals(List.of(), assertAccepted(result.reply(), OrderStatus.VERIFIED, "inv_1", "INV-2026-000001").overridden());
    assertEquals(new OrderApproved("ord_1", List.of(), "alice", T0), result.events().get(0));
    assertMoney("900.00", result.state().availableCredit());
  }

  @Test
  void approving_an_approved_order_again_answers_verified_without_an_event() {
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");
    change("ord_1", OrderLedger.Change.APPROVE);
    var before = account.getState();

    var again = change("ord_1", OrderLedger.Change.APPROVE);

    assertAccepted(again.reply(), OrderStatus.VERIFIED, "inv_1", "INV-2026-000001");
    assertTrue(again.hasNoEvents());
    assertEquals(before, again.state());
    assertEquals(1, invoicesIssuedFor("ord_1"));
  }

  @Test
  void approving_an_order_of_a_blocked_customer_is_refused_and_changes_nothing() {
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");
    setStatus(CustomerStatus.BLOCKED);
    var before = account.getState();

    var result = change("ord_1", OrderLedger.Change.APPROVE);

    assertRefused(Rejection.Kind.UNPROCESSABLE, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(before, result.state());
    assertEquals(OrderStatus.ON_HOLD, result.state().orders().get("ord_1").status());
  }

  @Test
  void rejecting_a_held_order_closes_it_and_leaves_the_credit_alone() {
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");
    place("ord_2", "100.00", null);
    var later = clock.advance(Duration.ofHours(1));

    var result = account.<LedgerAnswer>runCommand(r -> new ChangeOrder("ord_1", OrderLedger.Change.REJECT, "too risky", "alice", r));

    assertAccepted(result.reply(), OrderStatus.REJECTED, null, null);
    assertEquals(List.of(new OrderClosed("ord_1", OrderStatus.REJECTED, "too risky", "alice", later)), result.events());
    assertFalse(result.state().orders().containsKey("ord_1"));
    assertMoney("100.00", result.state().creditUsed());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_a_verified_order_not_invoiced_yet_releases_its_credit() {
    startAccount("shipco", AccountFixtures.settings());
    create("1000.00");
    place("ord_1", "400.00", null);
    place("ord_2", "100.00", null);
    var later = clock.advance(Duration.ofMinutes(5));

    var result = account.<LedgerAnswer>runCommand(r -> new ChangeOrder("ord_1", OrderLedger.Change.CANCEL, "changed mind", "bob", r));

    assertAccepted(result.reply(), OrderStatus.CANCELLED, null, null);
    assertEquals(List.of(new OrderClosed("ord_1", OrderStatus.CANCELLED, "changed mind", "bob", later)), result.events());
    assertEquals(Set.of("ord_2"), result.state().orders().keySet());
    assertMoney("100.00", result.state().reserved());
    assertMoney("900.00", result.state().availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void cancelling_a_held_order_closes_it_without_a_credit_change() {
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");

    var result = change("ord_1", OrderLedger.Change.CANCEL);

    assertAccepted(result.reply(), OrderStatus.CANCELLED, null, null);
    assertEquals(1, result.events().size());
    assertEquals(OrderStatus.CANCELLED, assertInstanceOf(OrderClosed.class, result.events().get(0)).to());
    assertTrue(result.state().orders().isEmpty());
    assertMoney("0", result.state().creditUsed());
  }

  @Test
  void cancelling_an_invoiced_order_with_nothing_applied_voids_its_invoice() {
    create("1000.00");
    place("ord_1", "100.00", "STANDARD");

    var result = change("ord_1", OrderLedger.Change.CANCEL);

    assertAccepted(result.reply(), OrderStatus.CANCELLED, "inv_1", "INV-2026-000001");
    assertEquals(List.of(new InvoiceVoided("inv_1", "order cancelled", "alice", T0)), result.events());
    assertTrue(result.state().settled().get("inv_1").voided());
    assertMoney("0", result.state().creditUsed());
  }

  @Test
  void a_change_of_an_order_the_account_does_not_hold_open_moves_nothing_and_persists_nothing() {
    create("1000.00");
    place("ord_1", "100.00", null);
    var before = account.getState();

    for (var change : OrderLedger.Change.values()) {
      var result = change("ord_9", change);

      // Rejected, cancelled or never taken: closing it again is done; anything else is not allowed.
      if (change == OrderLedger.Change.REJECT || change == OrderLedger.Change.CANCEL) {
        assertInstanceOf(LedgerAnswer.Accepted.class, result.reply(), change.name());
      } else {
        assertRefused(Rejection.Kind.ILLEGAL_TRANSITION, result.reply());
      }
      assertTrue(result.hasNoEvents(), change + " persisted nothing");
    }
    assertEquals(before, account.getState());
  }

  @Test
  void a_change_of_an_order_of_an_account_that_does_not_exist_is_not_found() {
    for (var change : OrderLedger.Change.values()) {
      var result = change("ord_1", change);

      assertRefused(Rejection.Kind.NOT_FOUND, result.reply());
      assertTrue(result.hasNoEvents());
    }
    assertFalse(account.getState().exists());
  }

  /**
   * An order asks the ledger to reject or cancel, the ledger persists it and the answer is lost;
   * the order says "unchanged, safe to retry" and asks again. The retry must get the same answer,
   * as approving and shipping again do.
   */
  @Test
  void rejecting_or_cancelling_again_after_a_lost_answer_answers_the_same_without_an_event() {
    startAccount("shipco", AccountFixtures.settings());
    create("1000.00");
    place("ord_1", "900.00", "STANDARD");
    place("ord_2", "100.00", null);
    change("ord_1", OrderLedger.Change.REJECT);
    change("ord_2", OrderLedger.Change.CANCEL);

    var rejectedAgain = change("ord_1", OrderLedger.Change.REJECT);
    var cancelledAgain = change("ord_2", OrderLedger.Change.CANCEL);

    assertAccepted(rejectedAgain.reply(), OrderStatus.REJECTED, null, null);
    assertTrue(rejectedAgain.hasNoEvents());
    assertAccepted(cancelledAgain.reply(), OrderStatus.CANCELLED, null, null);
    assertTrue(cancelledAgain.hasNoEvents());
  }

  // --- Healing of placements an order lost ------------------------------------------------------

  @Test
  void a_placement_its_order_recorded_is_confirmed_with_the_next_write() {
    create("1000.00");
    var first = place("ord_1", "100.00", null);
    assertEquals(Set.of("ord_1"), first.state().unconfirmed().keySet());

    var recorded = account.runCommand(new PlacementRecorded("ord_1"));
    var next = place("ord_2", "50.00", null);

    assertTrue(recorded.hasNoEvents(), "a confirmation rides along with the next write");
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class, PlacementsConfirmed.class), classes(next.events()));
    assertEquals(new PlacementsConfirmed(List.of("ord_1"), T0), next.events().get(2));
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class, PlacementsConfirmed.class), classes(lastWrite()), "one write");
    assertEquals(Set.of("ord_2"), next.state().unconfirmed().keySet());
    assertEquals(List.of(), effects.asked, "no order was asked");
    assertRecoversToTheSameState();
  }

  @Test
  void a_confirmation_with_nothing_else_to_write_is_written_after_the_confirmation_delay() {
    var settings = AccountFixtures.settings();
    startAccount("acme", new AccountSettings(settings.snapshotEvery(), settings.placementCheckInterval(),
        settings.placementConfirmAfter(), settings.orderAskTimeout(), settings.placementsPerCheck(), settings.tagBuckets(),
        settings.maxBatch(), Duration.ofMillis(50)));
    create("1000.00");
    place("ord_1", "100.00", null);

    account.runCommand(new PlacementRecorded("ord_1"));

    eventually(() -> assertTrue(account.getState().unconfirmed().isEmpty()));
    var journal = journal();
    assertEquals(new PlacementsConfirmed(List.of("ord_1"), T0), journal.get(journal.size() - 1));
  }

  @Test
  void a_check_asks_only_the_orders_of_placements_older_than_the_confirm_after_time() {
    create("1000.00");
    effects.orders.put("ord_1", () -> CompletableFuture.completedFuture(true));
    effects.orders.put("ord_2", () -> CompletableFuture.completedFuture(true));
    place("ord_1", "100.00", null);
    clock.advance(Duration.ofSeconds(6));
    place("ord_2", "50.00", null);

    account.runCommand(new CheckPlacements());

    eventually(() -> assertFalse(account.getState().unconfirmed().containsKey("ord_1")));
    assertEquals(List.of("acme:ord_1"), effects.asked);
    assertTrue(account.getState().unconfirmed().containsKey("ord_2"));
    assertEquals(List.of(), effects.restored);
    var journal = journal();
    assertEquals(new PlacementsConfirmed(List.of("ord_1"), clock.now()), journal.get(journal.size() - 1));

    // Exactly the confirm-after time later, ord_2 is due too.
    clock.advance(Duration.ofSeconds(5));
    account.runCommand(new CheckPlacements());

    eventually(() -> assertTrue(account.getState().unconfirmed().isEmpty()));
    assertEquals(List.of("acme:ord_1", "acme:ord_2"), effects.asked);
    assertRecoversToTheSameState();
  }

  @Test
  void an_order_that_lost_its_placement_gets_it_back_with_the_answer_the_account_gave() {
    create("1000.00");
    var verified = request("ord_1", customerId, "100.00", null, T0);
    var held = request("ord_2", customerId, "900.00", "STANDARD", T0);
    var verifiedAnswer = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(verified, r)).reply();
    var heldAnswer = account.<LedgerAnswer>runCommand(r -> new PlaceOrder(held, r)).reply();
    effects.orders.put("ord_1", () -> CompletableFuture.completedFuture(false));
    effects.orders.put("ord_2", () -> CompletableFuture.completedFuture(false));
    var eventsBefore = journal().size();
    clock.advance(Duration.ofSeconds(6));

    account.runCommand(new CheckPlacements());

    eventually(() -> assertEquals(2, effects.restored.size()));
    var restored = effects.restored.stream().sorted(java.util.Comparator.comparing(r -> r.request().orderId())).toList();
    assertEquals(new RecordingLedgerEffects.Restored("acme", verified, (LedgerAnswer.Accepted) verifiedAnswer), restored.get(0));
    assertEquals(new RecordingLedgerEffects.Restored("acme", held, (LedgerAnswer.Accepted) heldAnswer), restored.get(1));
    assertEquals("INV-2026-000001", restored.get(0).answer().invoiceNumber());
    assertEquals(OrderStatus.ON_HOLD, restored.get(1).answer().status());
    assertEquals(Set.of("ord_1", "ord_2"), account.getState().unconfirmed().keySet(), "unconfirmed until the orders say so");
    assertEquals(eventsBefore, journal().size(), "giving back writes nothing");

    // The order stores the placement it got back and says so.
    account.runCommand(new PlacementRecorded("ord_1"));
    var next = place("ord_3", "1.00", null);

    assertEquals(new PlacementsConfirmed(List.of("ord_1"), clock.now()), next.events().get(next.events().size() - 1));
    assertEquals(Set.of("ord_2", "ord_3"), next.state().unconfirmed().keySet());
  }

  @Test
  void a_placement_whose_order_does_not_answer_stays_unconfirmed_and_is_not_given_back() {
    create("1000.00");
    // ord_1 never answers (the ask times out); ord_2's ask fails; ord_3 has its record.
    effects.orders.put("ord_2", () -> CompletableFuture.failedFuture(new IllegalStateException("order shard unreachable")));
    effects.orders.put("ord_3", () -> CompletableFuture.completedFuture(true));
    place("ord_1", "100.00", null);
    place("ord_2", "100.00", null);
    place("ord_3", "100.00", null);
    clock.advance(Duration.ofSeconds(6));

    account.runCommand(new CheckPlacements());

    eventually(() -> assertFalse(account.getState().unconfirmed().containsKey("ord_3")));
    assertEquals(Set.of("ord_1", "ord_2"), account.getState().unconfirmed().keySet());
    assertEquals(List.of(), effects.restored);
    assertEquals(Set.of("acme:ord_1", "acme:ord_2", "acme:ord_3"), Set.copyOf(effects.asked));
  }

  @Test
  void an_order_that_confirms_while_its_check_is_in_flight_is_not_given_back() {
    // A long ask timeout: the late answer below must arrive as an answer, not be dropped as a timeout.
    var settings = AccountFixtures.settings();
    startAccount("acme", withAskTimeout(settings, Duration.ofSeconds(30)));
    create("1000.00");
    var late = new CompletableFuture<Boolean>();
    effects.orders.put("ord_1", () -> late);
    place("ord_1", "100.00", null);
    clock.advance(Duration.ofSeconds(6));
    account.runCommand(new CheckPlacements());
    assertEquals(List.of("acme:ord_1"), effects.asked);

    // The order stores its record and says so before its (stale) answer arrives.
    account.runCommand(new PlacementRecorded("ord_1"));
    late.complete(false);

    eventually(() -> assertTrue(account.getState().unconfirmed().isEmpty()));
    assertEquals(List.of(), effects.restored);
  }

  @Test
  void without_a_confirmation_a_late_answer_of_a_check_still_counts() {
    // The control of the test above: the same late answer, with no confirmation, gives the placement back.
    startAccount("acme", withAskTimeout(AccountFixtures.settings(), Duration.ofSeconds(30)));
    create("1000.00");
    var late = new CompletableFuture<Boolean>();
    effects.orders.put("ord_1", () -> late);
    place("ord_1", "100.00", null);
    clock.advance(Duration.ofSeconds(6));
    account.runCommand(new CheckPlacements());

    late.complete(false);

    eventually(() -> assertEquals(1, effects.restored.size()));
    assertEquals("ord_1", effects.restored.get(0).request().orderId());
    assertEquals(Set.of("ord_1"), account.getState().unconfirmed().keySet());
  }

  @Test
  void unconfirmed_placements_survive_a_restart_and_are_checked_after_it() {
    create("1000.00");
    var request = request("ord_1", customerId, "100.00", null, T0);
    account.<LedgerAnswer>runCommand(r -> new PlaceOrder(request, r));
    effects.orders.put("ord_1", () -> CompletableFuture.completedFuture(false));

    var restarted = account.restart().state();
    clock.advance(Duration.ofSeconds(6));
    account.runCommand(new CheckPlacements());

    assertEquals(Set.of("ord_1"), restarted.unconfirmed().keySet());
    eventually(() -> assertEquals(1, effects.restored.size()));
    assertEquals(request, effects.restored.get(0).request());
  }

  // --- Batches ----------------------------------------------------------------------------------

  @Test
  void orders_sent_while_a_write_is_in_flight_are_decided_together_in_the_next_write_and_each_gets_its_answer() throws Exception {
    var batchCustomer = "cust-" + IDS.incrementAndGet();
    var batchWrites = new JournalWrites("CustomerAccount|acme:" + batchCustomer);
    account.persistenceTestKit().withPolicy(batchWrites);
    var ref = testKit.spawn(CustomerAccount.create("acme:" + batchCustomer,
        AccountFixtures.dependencies(clock, effects, AccountFixtures.settings())));
    try {
      var created = testKit.<CustomerResult>createTestProbe();
      ref.tell(new Create(new NewCustomer(batchCustomer, "Batch Ltd", null, "EUR", new BigDecimal("1000.00"), 30), null, "alice",
          created.ref()));
      assertInstanceOf(CustomerResult.Ok.class, created.receiveMessage());
      batchWrites.holdNextWrite();
      var a = testKit.<LedgerAnswer>createTestProbe();
      ref.tell(new PlaceOrder(request("ord_a", batchCustomer, "100.00", null, T0), a.ref()));
      batchWrites.awaitInFlight();

      // While ord_a's write is in flight: ord_b and ord_c together exceed what is left (900.00).
      var b = testKit.<LedgerAnswer>createTestProbe();
      var c = testKit.<LedgerAnswer>createTestProbe();
      var d = testKit.<LedgerAnswer>createTestProbe();
      ref.tell(new PlaceOrder(request("ord_b", batchCustomer, "500.00", null, T0), b.ref()));
      ref.tell(new PlaceOrder(request("ord_c", batchCustomer, "450.00", null, T0), c.ref()));
      ref.tell(new PlaceOrder(request("ord_d", batchCustomer, "50.00", null, T0), d.ref()));
      batchWrites.release();

      assertAccepted(a.receiveMessage(), OrderStatus.VERIFIED, "inv_a", "INV-2026-000001");
      assertAccepted(b.receiveMessage(), OrderStatus.VERIFIED, "inv_b", "INV-2026-000002");
      var held = assertAccepted(c.receiveMessage(), OrderStatus.ON_HOLD, null, null);
      assertEquals(List.of("CREDIT_LIMIT_EXCEEDED"), codes(held.holdReasons()));
      assertTrue(held.holdReasons().get(0).detail().contains("available credit 400.00 EUR"), held.holdReasons().get(0).detail());
      assertAccepted(d.receiveMessage(), OrderStatus.VERIFIED, "inv_d", "INV-2026-000003");

      assertEquals(3, batchWrites.writes.size(), "the creation, ord_a, and ord_b..ord_d together: " + batchWrites.writes);
      var batch = batchWrites.writes.get(2);
      assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class, OrderAccepted.class, OrderAccepted.class, InvoiceIssued.class),
          classes(batch));
      assertEquals(List.of("ord_b", "ord_c", "ord_d"), batch.stream().filter(OrderAccepted.class::isInstance)
          .map(e -> ((OrderAccepted) e).request().orderId()).toList());
      assertEquals(List.of("acme:INV:2026:1", "acme:INV:2026:2"), effects.numberCalls, "numbers taken once per write");
    } finally {
      batchWrites.release();
      testKit.stop(ref);
    }
  }

  @Test
  void a_numbering_failure_holds_the_placement_until_numbers_come_and_it_is_decided_once() {
    create("1000.00");
    effects.numberAnswers.add(() -> CompletableFuture.failedFuture(new IllegalStateException("counter down")));
    var probe = testKit.<LedgerAnswer>createTestProbe();
    var request = request("ord_1", customerId, "100.00", null, T0);

    var sent = account.runCommand(new PlaceOrder(request, probe.ref()));

    var answer = assertAccepted(probe.receiveMessage(Duration.ofSeconds(10)), OrderStatus.VERIFIED, "inv_1", "INV-2026-000001");
    assertFalse(answer.replayed());
    assertTrue(sent.hasNoEvents(), "nothing is written before the numbers come");
    assertEquals(2, effects.numberCalls.size(), "asked again after the failure: " + effects.numberCalls);
    assertEquals(1, invoicesIssuedFor("ord_1"));
    assertEquals(List.of(OrderAccepted.class, InvoiceIssued.class), classes(lastWrite()));
  }

  // --- Recovery from a snapshot -------------------------------------------------------------------

  @Test
  void recovery_from_a_snapshot_and_the_events_after_it_gives_the_same_state() {
    var settings = AccountFixtures.settings();
    startAccount("shipco", new AccountSettings(2, settings.placementCheckInterval(), settings.placementConfirmAfter(),
        settings.orderAskTimeout(), settings.placementsPerCheck(), settings.tagBuckets(), settings.maxBatch(),
        settings.confirmationDelay()));
    create("1000.00");
    place("ord_1", "400.00", null);
    place("ord_2", "900.00", "STANDARD");
    change("ord_2", OrderLedger.Change.APPROVE);
    update(new CustomerPatch("Acme Retail AG", null, true, new BigDecimal("1500"), 60, CustomerStatus.CREDIT_HOLD));
    change("ord_1", OrderLedger.Change.CANCEL);
    change("ord_2", OrderLedger.Change.SHIP);
    account.runCommand(new PlacementRecorded("ord_1"));
    place("ord_3", "10.00", null);

    var snapshots = account.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId());
    assertFalse(snapshots.isEmpty(), "snapshots every 2 events");
    assertRecoversToTheSameState();
    var state = account.getState();
    assertEquals(Set.of("ord_3"), state.orders().keySet());
    assertEquals(OrderStatus.ON_HOLD, state.orders().get("ord_3").status());
    assertMoney("1071.00", state.receivable());
    assertMoney("0", state.reserved());
    assertMoney("429.00", state.availableCredit());
    assertEquals(Set.of("ord_2", "ord_3"), state.unconfirmed().keySet());
    assertEquals(CustomerStatus.CREDIT_HOLD, state.status());
  }

  // --- Helpers ----------------------------------------------------------------------------------

  private String persistenceId() {
    return "CustomerAccount|" + tenantId + ":" + customerId;
  }

  private static AccountSettings withAskTimeout(AccountSettings s, Duration timeout) {
    return new AccountSettings(s.snapshotEvery(), s.placementCheckInterval(), s.placementConfirmAfter(), timeout, s.placementsPerCheck(),
        s.tagBuckets(), s.maxBatch(), s.confirmationDelay());
  }

  private NewCustomer newCustomer(String creditLimit) {
    return new NewCustomer(customerId, "Acme Retail GmbH", "ap@acme.example", "EUR", new BigDecimal(creditLimit), 30);
  }

  private void create(String creditLimit) {
    var result = account.<CustomerResult>runCommand(r -> new Create(newCustomer(creditLimit), "key-1", "alice", r));
    assertInstanceOf(CustomerResult.Ok.class, result.reply());
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, CustomerState, CustomerResult> update(CustomerPatch patch) {
    return account.runCommand(r -> new Update(patch, "alice", r));
  }

  private void setStatus(CustomerStatus status) {
    assertInstanceOf(CustomerResult.Ok.class, update(new CustomerPatch(null, null, false, null, null, status)).reply());
  }

  /** Places an order of one line of {@code net} EUR (taxed by the code) at the clock's time. */
  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, CustomerState, LedgerAnswer> place(
      String orderId, String net, String taxCode) {
    PlacementRequest request = request(orderId, customerId, net, taxCode, clock.now());
    return account.runCommand(r -> new PlaceOrder(request, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, CustomerState, LedgerAnswer> change(
      String orderId, OrderLedger.Change change) {
    return account.runCommand(r -> new ChangeOrder(orderId, change, "because", "alice", r));
  }

  private List<Object> journal() {
    return account.persistenceTestKit().persistedInStorage(persistenceId());
  }

  private List<Object> lastWrite() {
    return writes.writes.get(writes.writes.size() - 1);
  }

  private long invoicesIssuedFor(String orderId) {
    return journal().stream().filter(e -> e instanceof InvoiceIssued i && i.orderId().equals(orderId)).count();
  }

  private static List<Class<?>> classes(List<?> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  private static List<String> codes(List<HoldReason> reasons) {
    return reasons.stream().map(HoldReason::code).toList();
  }

  private void assertRecoversToTheSameState() {
    var before = account.getState();
    var after = account.restart().state();
    assertEquals(before, after);
  }

  private static LedgerAnswer.Accepted assertAccepted(LedgerAnswer answer, OrderStatus status, String invoiceId, String invoiceNumber) {
    var accepted = assertInstanceOf(LedgerAnswer.Accepted.class, answer);
    assertEquals(status, accepted.status(), accepted.toString());
    assertEquals(invoiceId, accepted.invoiceId(), accepted.toString());
    assertEquals(invoiceNumber, accepted.invoiceNumber(), accepted.toString());
    assertFalse(accepted.replayed(), accepted.toString());
    return accepted;
  }

  private static LedgerAnswer.Refused assertRefused(Rejection.Kind kind, LedgerAnswer answer) {
    var refused = assertInstanceOf(LedgerAnswer.Refused.class, answer);
    assertEquals(kind, refused.rejection().kind(), refused.rejection().detail());
    return refused;
  }

  private static OrderAccepted assertOrderAccepted(Object event, String orderId, OrderStatus status, List<String> holdCodes, String gross) {
    var accepted = assertInstanceOf(OrderAccepted.class, event);
    assertEquals(orderId, accepted.request().orderId());
    assertEquals(status, accepted.status());
    assertEquals(holdCodes, codes(accepted.holdReasons()));
    assertMoney(gross, accepted.gross());
    return accepted;
  }

  private static CustomerView okView(CustomerResult result) {
    return assertInstanceOf(CustomerResult.Ok.class, result).customer();
  }

  private static CustomerResult.Failed assertRejected(Rejection.Kind kind, CustomerResult result) {
    var failed = assertInstanceOf(CustomerResult.Failed.class, result);
    assertEquals(kind, failed.rejection().kind(), failed.rejection().detail());
    return failed;
  }

  private static void assertProfileUpdated(
      List<Event> events, String name, String email, String creditLimit, int terms, CustomerStatus status, String by,
      Instant at) {
    assertEquals(1, events.size(), events.toString());
    var e = assertInstanceOf(ProfileUpdated.class, events.get(0));
    assertEquals(name, e.name());
    assertEquals(email, e.email());
    assertMoney(creditLimit, e.creditLimit());
    assertEquals(terms, e.paymentTermsDays());
    assertEquals(status, e.status());
    assertEquals(by, e.by());
    assertEquals(at, e.at());
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }

  private static void eventually(Runnable assertion) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertion.run();
      return null;
    });
  }
}
