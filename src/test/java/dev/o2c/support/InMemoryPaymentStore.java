package dev.o2c.support;

import dev.o2c.payment.PaymentStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.pekko.Done;

/** The payment read models in memory, for tests without Cassandra (one page holds everything). */
public final class InMemoryPaymentStore implements PaymentStore {

  /** As many payments as the Cassandra store returns for one token. */
  static final int AWAITING_LIMIT = 200;

  private final Map<String, Summary> byId = new ConcurrentHashMap<>();
  /** tenant:token -> the unattributed payments remembered under it. */
  private final Map<String, Set<String>> awaiting = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> save(String tenantId, Summary payment) {
    byId.put(tenantId + ":" + payment.paymentId(), payment);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Page> unapplied(String tenantId, int limit, String pageToken) {
    return page(tenantId, s -> s.unapplied());
  }

  @Override
  public CompletionStage<Done> awaitReferences(String tenantId, String paymentId, List<String> tokens) {
    tokens.forEach(token -> awaiting.computeIfAbsent(tenantId + ":" + token, k -> new ConcurrentSkipListSet<>()).add(paymentId));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<String>> awaiting(String tenantId, String token) {
    Set<String> ids = awaiting.getOrDefault(tenantId + ":" + token, Set.of());
    return CompletableFuture.completedFuture(ids.stream().limit(AWAITING_LIMIT).toList());
  }

  @Override
  public CompletionStage<Page> ofCustomer(String tenantId, String customerId, int limit, String pageToken) {
    return page(tenantId, s -> customerId.equals(s.customerId()));
  }

  private CompletionStage<Page> page(String tenantId, java.util.function.Predicate<Summary> filter) {
    List<Summary> found = byId.entrySet().stream()
        .filter(e -> e.getKey().startsWith(tenantId + ":"))
        .map(Map.Entry::getValue)
        .filter(filter)
        .sorted(Comparator.comparing(Summary::receivedOn).reversed().thenComparing(Summary::paymentId))
        .toList();
    return CompletableFuture.completedFuture(new Page(found, null));
  }
}
