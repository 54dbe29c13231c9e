package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import dev.o2c.invoice.InvoiceStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What an account tells the others after a write, and when. */
class ShardedLedgerEffectsTest {

  static final ActorTestKit kit = ActorTestKit.create("race", ConfigFactory.parseString(
      "pekko.actor.provider = cluster\npekko.remote.artery.canonical.port = 0").withFallback(O2cConfig.load(ConfigFactory.empty())));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void payments_waiting_for_a_reference_are_told_only_once_the_reference_is_indexed() {
    CompletableFuture<Done> saved = new CompletableFuture<>();
    List<List<String>> toldBeforeSaved = new CopyOnWriteArrayList<>();
    List<List<String>> told = new CopyOnWriteArrayList<>();
    InvoiceStore store = new InvoiceStore() {
      public CompletionStage<Done> save(String t, Summary i) { return CompletableFuture.completedFuture(Done.getInstance()); }
      public CompletionStage<Done> saveReferences(String t, String i, String c, List<Reference> r) { return saved; }
      public CompletionStage<List<ReferenceHit>> referencesOf(String t, String r) { return CompletableFuture.completedFuture(List.of()); }
      public CompletionStage<Optional<ReferenceHit>> byNumber(String t, String n) { return CompletableFuture.completedFuture(Optional.empty()); }
      public CompletionStage<Page> ofCustomer(String t, String c, Filter f, int l, String p) { return CompletableFuture.completedFuture(new Page(List.of(), null)); }
    };
    var effects = new ShardedLedgerEffects(kit.system(), store, null, (tenant, names) -> {
      if (!saved.isDone()) {
        toldBeforeSaved.add(names);
      }
      told.add(names);
    }, Duration.ofSeconds(1));
    var issued = new CustomerAccount.InvoiceIssued("inv_1", "INV-2026-000001", "ord_1", "PO-1", "EUR", List.of(), BigDecimal.TEN,
        BigDecimal.ZERO, BigDecimal.TEN, LocalDate.parse("2026-11-02"), LocalDate.parse("2026-12-02"), Instant.parse("2026-11-02T09:00:00Z"));

    effects.written("acme", "cust-1", List.of(issued), CustomerState.EMPTY);

    assertEquals(List.of(), toldBeforeSaved, "payments were told of references not yet in the index they are looked up in");
    saved.complete(Done.getInstance());
    assertEquals(List.of(List.of("INV-2026-000001", "ord_1", "PO-1")), told);
  }
}
