package dev.o2c.support;

import dev.o2c.payment.PaymentStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** The payment read models in memory, for tests without Cassandra (one page holds everything). */
public final class InMemoryPaymentStore implements PaymentStore {

  private final Map<String, Summary> byId = new ConcurrentHashMap<>();

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
