package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.account.CustomerAccount.CheckCredit;
import dev.o2c.account.CustomerAccount.CheckReservations;
import dev.o2c.account.CustomerAccount.Command;
import dev.o2c.account.CustomerAccount.Create;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.CreditReleased;
import dev.o2c.account.CustomerAccount.CreditReserved;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.Get;
import dev.o2c.account.CustomerAccount.ProfileUpdated;
import dev.o2c.account.CustomerAccount.ReleaseCredit;
import dev.o2c.account.CustomerAccount.ReservationsConfirmed;
import dev.o2c.account.CustomerAccount.ReserveCredit;
import dev.o2c.account.CustomerAccount.Update;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Rejection;
import dev.o2c.support.TestClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The customer account entity: every command's accepted and refused paths (reply, events, state),
 * the healing of unconfirmed reservations, and recovery to the same state.
 */
class CustomerAccountTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "CustomerAccountTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"))));

  private static final AccountSettings SETTINGS =
      new AccountSettings(100, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), 200, 4);
  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  /** Every test has an account of its own: the journal is shared by the whole class. */
  private static final AtomicInteger IDS = new AtomicInteger();

  private final TestClock clock = new TestClock(T0);
  /** What each order says when the account asks it; an order without an entry never answers. */
  private final Map<String, Supplier<CompletionStage<ReservationStatus>>> orderAnswers = new ConcurrentHashMap<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final ReservationLookup lookup = (tenantId, orderId) -> {
    asked.add(tenantId + ":" + orderId);
    var answer = orderAnswers.get(orderId);
    return answer == null ? new CompletableFuture<>() : answer.get();
  };

  private String customerId;
  private EventSourcedBehaviorTestKit<Command, Event, CustomerState> account;

  @BeforeEach
  void startAccount() {
    startAccount(SETTINGS);
  }

  private void startAccount(AccountSettings settings) {
    customerId = "cust-" + IDS.incrementAndGet();
    // Commands, events and state must also come back from serialization equal to what went in.
    account = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        CustomerAccount.create("acme:" + customerId, new CustomerAccount.Dependencies(clock, lookup, settings,
            dev.o2c.invoice.InvoicingSettings.fromConfig(O2cConfig.load()),
            dev.o2c.payment.PaymentSettings.fromConfig(O2cConfig.load()))),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
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
    assertTrue(state.reservations().isEmpty());
    assertMoney("0", state.creditUsed());
    assertRecoversToTheSameState();
  }

  @Test
  void creating_again_with_the_same_key_and_request_answers_the_first_answer_without_an_event() {
    create("1000.00");
    clock.advance(Duration.ofHours(1));
    update(new CustomerPatch("Acme Retail AG", null, false, null, null, null));
    reserve("o1", "250.00");

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
  void getting_an_account_answers_it_with_its_credit_in_use() {
    create("1000.00");
    reserve("o1", "300.00");

    var result = account.<CustomerResult>runCommand(Get::new);

    var ok = assertInstanceOf(CustomerResult.Ok.class, result.reply());
    assertFalse(ok.replayed());
    assertMoney("300.00", ok.customer().creditUsed());
    assertMoney("300.00", ok.customer().reservedForOrders());
    assertMoney("700.00", ok.customer().availableCredit());
    assertEquals(1, ok.customer().openOrders());
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
    reserve("o1", "300.00");

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

  // --- ReserveCredit ----------------------------------------------------------------------------

  @Test
  void reserving_within_the_limit_persists_the_reservation_and_reduces_the_available_credit() {
    create("1000.00");
    var later = clock.advance(Duration.ofMinutes(1));

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("400.00"), "EUR", false, "shop", r));

    var reserved = assertInstanceOf(CreditDecision.Reserved.class, result.reply());
    assertMoney("400.00", reserved.amount());
    assertEquals(List.of(), reserved.overridden());
    assertEquals(1, result.events().size());
    var event = assertInstanceOf(CreditReserved.class, result.events().get(0));
    assertEquals("o1", event.orderId());
    assertMoney("400.00", event.amount());
    assertEquals(List.of(), event.overridden());
    assertEquals("shop", event.by());
    assertEquals(later, event.at());

    var state = result.state();
    var reservation = state.reservations().get("o1");
    assertMoney("400.00", reservation.amount());
    assertEquals(List.of(), reservation.overridden());
    assertEquals("shop", reservation.by());
    assertEquals(later, reservation.at());
    assertFalse(reservation.confirmed());
    assertMoney("400.00", state.reserved());
    assertMoney("400.00", state.creditUsed());
    assertMoney("600.00", state.availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void reserving_again_for_the_same_order_answers_the_first_reservation_and_counts_it_once() {
    create("1000.00");
    reserve("o1", "400.00");

    var again = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("900.00"), "EUR", false, "shop", r));

    var reserved = assertInstanceOf(CreditDecision.Reserved.class, again.reply());
    assertMoney("400.00", reserved.amount());
    assertEquals(List.of(), reserved.overridden());
    assertTrue(again.hasNoEvents());
    assertEquals(1, again.state().reservations().size());
    assertMoney("400.00", again.state().creditUsed());
    assertMoney("600.00", again.state().availableCredit());
  }

  @Test
  void reserving_beyond_the_available_credit_reserves_nothing() {
    create("1000.00");
    reserve("o1", "700.00");

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o2", new BigDecimal("300.01"), "EUR", false, "shop", r));

    var notReserved = assertInstanceOf(CreditDecision.NotReserved.class, result.reply());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), notReserved.issues());
    assertMoney("300.00", notReserved.availableCredit());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().reservations().containsKey("o2"));
    assertMoney("700.00", result.state().creditUsed());
  }

  @Test
  void reserving_exactly_the_available_credit_is_within_the_limit() {
    create("1000.00");
    reserve("o1", "700.00");

    var decision = reserve("o2", "300.00");

    assertInstanceOf(CreditDecision.Reserved.class, decision);
    assertMoney("0", account.getState().availableCredit());
  }

  @Test
  void a_customer_on_credit_hold_gets_no_reservation_and_the_hold_as_the_reason() {
    create("1000.00");
    setStatus(CustomerStatus.CREDIT_HOLD);

    var small = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("10.00"), "EUR", false, "shop", r));
    var large = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o2", new BigDecimal("1500.00"), "EUR", false, "shop", r));

    var smallAnswer = assertInstanceOf(CreditDecision.NotReserved.class, small.reply());
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), smallAnswer.issues());
    assertMoney("1000.00", smallAnswer.availableCredit());
    assertTrue(small.hasNoEvents());
    var largeAnswer = assertInstanceOf(CreditDecision.NotReserved.class, large.reply());
    assertEquals(Set.of(CreditIssue.CUSTOMER_CREDIT_HOLD, CreditIssue.CREDIT_LIMIT_EXCEEDED), Set.copyOf(largeAnswer.issues()));
    assertTrue(large.hasNoEvents());
    assertTrue(large.state().reservations().isEmpty());
  }

  @Test
  void an_override_reserves_beyond_the_limit_and_says_so() {
    create("1000.00");
    reserve("o1", "800.00");

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o2", new BigDecimal("500.00"), "EUR", true, "alice", r));

    var reserved = assertInstanceOf(CreditDecision.Reserved.class, result.reply());
    assertMoney("500.00", reserved.amount());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), reserved.overridden());
    assertEquals(1, result.events().size());
    var event = assertInstanceOf(CreditReserved.class, result.events().get(0));
    assertEquals("o2", event.orderId());
    assertMoney("500.00", event.amount());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), event.overridden());
    assertEquals("alice", event.by());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), result.state().reservations().get("o2").overridden());
    assertMoney("1300.00", result.state().creditUsed());
    assertMoney("-300.00", result.state().availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void an_override_of_a_credit_hold_within_the_limit_names_only_the_hold() {
    create("1000.00");
    account.<CustomerResult>runCommand(r -> new CustomerAccount.Update(
        new CustomerPatch(null, null, false, null, null, CustomerStatus.CREDIT_HOLD), "ops", r));

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("100.00"), "EUR", true, "alice", r));

    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), assertInstanceOf(CreditDecision.Reserved.class, result.reply()).overridden());
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), assertInstanceOf(CreditReserved.class, result.events().get(0)).overridden());
    assertMoney("900.00", result.state().availableCredit());
  }

  @Test
  void an_override_within_the_limit_is_an_ordinary_reservation() {
    create("1000.00");

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("100.00"), "EUR", true, "alice", r));

    assertEquals(List.of(), assertInstanceOf(CreditDecision.Reserved.class, result.reply()).overridden());
    assertEquals(List.of(), assertInstanceOf(CreditReserved.class, result.events().get(0)).overridden());
    assertMoney("900.00", result.state().availableCredit());
  }

  @Test
  void a_blocked_customer_is_refused_even_with_an_override() {
    create("1000.00");
    setStatus(CustomerStatus.BLOCKED);

    var plain = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("10.00"), "EUR", false, "shop", r));
    var override = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("10.00"), "EUR", true, "alice", r));

    assertEquals(CreditDecision.Reason.CUSTOMER_BLOCKED, assertInstanceOf(CreditDecision.Refused.class, plain.reply()).reason());
    assertTrue(plain.hasNoEvents());
    assertEquals(CreditDecision.Reason.CUSTOMER_BLOCKED, assertInstanceOf(CreditDecision.Refused.class, override.reply()).reason());
    assertTrue(override.hasNoEvents());
    assertTrue(override.state().reservations().isEmpty());
  }

  @Test
  void an_order_in_another_currency_is_refused_as_a_currency_mismatch() {
    create("1000.00");

    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("10.00"), "USD", false, "shop", r));

    var refused = assertInstanceOf(CreditDecision.Refused.class, result.reply());
    assertEquals(CreditDecision.Reason.CURRENCY_MISMATCH, refused.reason());
    assertTrue(result.hasNoEvents());
    assertTrue(result.state().reservations().isEmpty());
  }

  @Test
  void reserving_on_an_unknown_account_is_refused_as_unknown_customer() {
    var result = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("10.00"), "EUR", true, "shop", r));

    var refused = assertInstanceOf(CreditDecision.Refused.class, result.reply());
    assertEquals(CreditDecision.Reason.UNKNOWN_CUSTOMER, refused.reason());
    assertTrue(result.hasNoEvents());
    assertFalse(result.state().exists());
  }

  // --- CheckCredit ------------------------------------------------------------------------------

  @Test
  void checking_credit_answers_the_issues_and_never_persists() {
    var unknown = account.<CreditDecision>runCommand(r -> new CheckCredit(new BigDecimal("10.00"), "EUR", r));
    assertEquals(CreditDecision.Reason.UNKNOWN_CUSTOMER, assertInstanceOf(CreditDecision.Refused.class, unknown.reply()).reason());
    assertTrue(unknown.hasNoEvents());

    create("1000.00");
    var fine = check("500.00", "EUR");
    assertEquals(List.of(), assertInstanceOf(CreditDecision.NotReserved.class, fine).issues());
    assertMoney("1000.00", ((CreditDecision.NotReserved) fine).availableCredit());

    reserve("o1", "800.00");
    var tooMuch = assertInstanceOf(CreditDecision.NotReserved.class, check("500.00", "EUR"));
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), tooMuch.issues());
    assertMoney("200.00", tooMuch.availableCredit());

    var otherCurrency = assertInstanceOf(CreditDecision.Refused.class, check("10.00", "USD"));
    assertEquals(CreditDecision.Reason.CURRENCY_MISMATCH, otherCurrency.reason());

    setStatus(CustomerStatus.CREDIT_HOLD);
    var held = assertInstanceOf(CreditDecision.NotReserved.class, check("10.00", "EUR"));
    assertEquals(List.of(CreditIssue.CUSTOMER_CREDIT_HOLD), held.issues());

    setStatus(CustomerStatus.BLOCKED);
    var blocked = assertInstanceOf(CreditDecision.Refused.class, check("10.00", "EUR"));
    assertEquals(CreditDecision.Reason.CUSTOMER_BLOCKED, blocked.reason());

    assertEquals(Set.of("o1"), account.getState().reservations().keySet());
    assertMoney("800.00", account.getState().creditUsed());
  }

  // --- ReleaseCredit ----------------------------------------------------------------------------

  @Test
  void releasing_a_reservation_persists_credit_released_and_frees_the_credit() {
    create("1000.00");
    reserve("o1", "400.00");
    reserve("o2", "100.00");
    var later = clock.advance(Duration.ofMinutes(5));

    var result = account.<Done>runCommand(r -> new ReleaseCredit("o1", "order cancelled", r));

    assertEquals(Done.getInstance(), result.reply());
    assertEquals(1, result.events().size());
    var released = assertInstanceOf(CreditReleased.class, result.events().get(0));
    assertEquals("o1", released.orderId());
    assertEquals("order cancelled", released.reason());
    assertEquals(later, released.at());
    assertEquals(Set.of("o2"), result.state().reservations().keySet());
    assertMoney("100.00", result.state().creditUsed());
    assertMoney("900.00", result.state().availableCredit());
    assertRecoversToTheSameState();
  }

  @Test
  void releasing_an_order_without_a_reservation_answers_done_without_an_event() {
    create("1000.00");
    reserve("o1", "400.00");
    account.<Done>runCommand(r -> new ReleaseCredit("o1", "order cancelled", r));

    var unknown = account.<Done>runCommand(r -> new ReleaseCredit("o9", "order cancelled", r));
    var again = account.<Done>runCommand(r -> new ReleaseCredit("o1", "order cancelled", r));

    assertEquals(Done.getInstance(), unknown.reply());
    assertTrue(unknown.hasNoEvents());
    assertEquals(Done.getInstance(), again.reply());
    assertTrue(again.hasNoEvents());
    assertMoney("0", again.state().creditUsed());
  }

  // --- Healing ----------------------------------------------------------------------------------

  @Test
  void a_check_confirms_reservations_of_reserving_orders_and_releases_the_others() {
    create("1000.00");
    orderAnswers.put("o1", () -> CompletableFuture.completedFuture(ReservationStatus.reserving(new BigDecimal("100.00"))));
    orderAnswers.put("o2", () -> CompletableFuture.completedFuture(ReservationStatus.unknown()));
    orderAnswers.put("o3", () -> CompletableFuture.completedFuture(ReservationStatus.notReserving()));
    reserve("o1", "100.00");
    reserve("o2", "200.00");
    reserve("o3", "300.00");
    var eventsBefore = journal().size();
    clock.advance(Duration.ofSeconds(6));

    account.runCommand(new CheckReservations());

    eventually(() -> {
      var state = account.getState();
      assertEquals(Set.of("o1"), state.reservations().keySet());
      assertTrue(state.reservations().get("o1").confirmed());
    });
    var state = account.getState();
    assertMoney("100.00", state.creditUsed());
    assertMoney("900.00", state.availableCredit());
    assertTrue(asked.containsAll(List.of("acme:o1", "acme:o2", "acme:o3")), asked.toString());

    var written = journal().subList(eventsBefore, journal().size());
    assertEquals(3, written.size(), written.toString());
    var confirmed = written.stream().filter(ReservationsConfirmed.class::isInstance).map(ReservationsConfirmed.class::cast).toList();
    assertEquals(1, confirmed.size(), "one confirmation event per round");
    assertEquals(List.of("o1"), confirmed.get(0).orderIds());
    var released = written.stream().filter(CreditReleased.class::isInstance).map(e -> ((CreditReleased) e).orderId())
        .collect(Collectors.toSet());
    assertEquals(Set.of("o2", "o3"), released);

    // A confirmed reservation is not asked about again.
    asked.clear();
    account.runCommand(new CheckReservations());
    assertEquals(List.of(), asked);
    assertRecoversToTheSameState();
  }

  @Test
  void reservations_younger_than_the_confirm_after_time_are_not_checked() {
    create("1000.00");
    orderAnswers.put("o1", () -> CompletableFuture.completedFuture(ReservationStatus.reserving(new BigDecimal("100.00"))));
    orderAnswers.put("o2", () -> CompletableFuture.completedFuture(ReservationStatus.reserving(new BigDecimal("50.00"))));
    reserve("o1", "100.00");
    clock.advance(Duration.ofSeconds(6));
    reserve("o2", "50.00");

    account.runCommand(new CheckReservations());

    eventually(() -> assertTrue(account.getState().reservations().get("o1").confirmed()));
    assertEquals(List.of("acme:o1"), asked);
    assertFalse(account.getState().reservations().get("o2").confirmed());

    // Exactly the confirm-after time later, o2 is due too.
    clock.advance(Duration.ofSeconds(5));
    account.runCommand(new CheckReservations());

    eventually(() -> assertTrue(account.getState().reservations().get("o2").confirmed()));
    assertMoney("150.00", account.getState().creditUsed());
  }

  @Test
  void a_reservation_whose_order_does_not_answer_stays_unconfirmed() {
    create("1000.00");
    // o1 never answers (the ask times out); o2's ask fails; o3 says it was never placed.
    orderAnswers.put("o2", () -> CompletableFuture.failedFuture(new IllegalStateException("order shard unreachable")));
    orderAnswers.put("o3", () -> CompletableFuture.completedFuture(ReservationStatus.unknown()));
    reserve("o1", "100.00");
    reserve("o2", "200.00");
    reserve("o3", "300.00");
    clock.advance(Duration.ofSeconds(6));

    account.runCommand(new CheckReservations());

    eventually(() -> assertFalse(account.getState().reservations().containsKey("o3")));
    var state = account.getState();
    assertEquals(Set.of("o1", "o2"), state.reservations().keySet());
    assertFalse(state.reservations().get("o1").confirmed());
    assertFalse(state.reservations().get("o2").confirmed());
    assertMoney("300.00", state.creditUsed());
    assertTrue(asked.containsAll(List.of("acme:o1", "acme:o2", "acme:o3")), asked.toString());
  }

  @Test
  void a_new_request_for_a_reservation_under_check_voids_the_orders_answer() {
    // A long ask timeout: the late answer below must arrive as an answer, not be dropped as a timeout.
    startAccount(new AccountSettings(100, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), 200, 4));
    create("1000.00");
    var late = new CompletableFuture<ReservationStatus>();
    orderAnswers.put("o1", () -> late);
    orderAnswers.put("o2", () -> CompletableFuture.completedFuture(ReservationStatus.unknown()));
    reserve("o1", "100.00");
    reserve("o2", "200.00");
    clock.advance(Duration.ofSeconds(6));
    account.runCommand(new CheckReservations());
    assertTrue(asked.contains("acme:o1"), asked.toString());

    // The order is alive and asks again before its (stale) answer arrives.
    var again = account.<CreditDecision>runCommand(
        r -> new ReserveCredit("o1", new BigDecimal("100.00"), "EUR", false, "shop", r));
    late.complete(ReservationStatus.unknown());

    assertMoney("100.00", assertInstanceOf(CreditDecision.Reserved.class, again.reply()).amount());
    assertTrue(again.hasNoEvents());
    eventually(() -> assertFalse(account.getState().reservations().containsKey("o2")));
    var state = account.getState();
    assertEquals(Set.of("o1"), state.reservations().keySet());
    assertFalse(state.reservations().get("o1").confirmed());
    assertMoney("100.00", state.creditUsed());
    assertRecoversToTheSameState();
  }

  @Test
  void without_a_new_request_a_late_answer_of_a_check_still_counts() {
    // The control of the test above: the same late answer, with no new request, releases o1.
    startAccount(new AccountSettings(100, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), 200, 4));
    create("1000.00");
    var late = new CompletableFuture<ReservationStatus>();
    orderAnswers.put("o1", () -> late);
    reserve("o1", "100.00");
    clock.advance(Duration.ofSeconds(6));
    account.runCommand(new CheckReservations());

    late.complete(ReservationStatus.unknown());

    eventually(() -> assertTrue(account.getState().reservations().isEmpty()));
    assertMoney("0", account.getState().creditUsed());
  }

  // --- Recovery from a snapshot -------------------------------------------------------------------

  @Test
  void recovery_from_a_snapshot_and_the_events_after_it_gives_the_same_state() {
    startAccount(new AccountSettings(2, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), 200, 4));
    create("1000.00");
    reserve("o1", "400.00");
    account.<CreditDecision>runCommand(r -> new ReserveCredit("o2", new BigDecimal("900.00"), "EUR", true, "alice", r));
    update(new CustomerPatch("Acme Retail AG", null, true, new BigDecimal("1500"), 60, CustomerStatus.CREDIT_HOLD));
    account.<Done>runCommand(r -> new ReleaseCredit("o1", "order cancelled", r));

    var snapshots = account.snapshotTestKit().orElseThrow()
        .persistedInStorage("CustomerAccount|acme:" + customerId);
    assertFalse(snapshots.isEmpty(), "snapshots every 2 events");
    assertRecoversToTheSameState();
    var state = account.getState();
    assertEquals(Set.of("o2"), state.reservations().keySet());
    assertMoney("900.00", state.creditUsed());
    assertMoney("600.00", state.availableCredit());
    assertEquals(CustomerStatus.CREDIT_HOLD, state.status());
  }

  // --- Helpers ----------------------------------------------------------------------------------

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

  private CreditDecision reserve(String orderId, String amount) {
    return account.<CreditDecision>runCommand(
        r -> new ReserveCredit(orderId, new BigDecimal(amount), "EUR", false, "shop", r)).reply();
  }

  private CreditDecision check(String amount, String currency) {
    var result = account.<CreditDecision>runCommand(r -> new CheckCredit(new BigDecimal(amount), currency, r));
    assertTrue(result.hasNoEvents(), "a credit check persists nothing");
    return result.reply();
  }

  private List<Object> journal() {
    return account.persistenceTestKit().persistedInStorage("CustomerAccount|acme:" + customerId);
  }

  private void assertRecoversToTheSameState() {
    var before = account.getState();
    var after = account.restart().state();
    assertEquals(before, after);
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
