package dev.o2c.support;

import dev.o2c.invoice.InvoiceStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/**
 * The invoice read models in memory, for tests without Cassandra (one page holds everything).
 * References are kept as the Cassandra store keeps them: lower-cased, one entry per name and
 * invoice, so that two customers' invoices with the same external reference are both found.
 */
public final class InMemoryInvoiceStore implements InvoiceStore {

  private final Map<String, Summary> byId = new ConcurrentHashMap<>();
  /** tenant:reference -> (customer|invoice -> hit), in the order saved. */
  private final Map<String, Map<String, ReferenceHit>> references = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> saveReferences(String tenantId, String invoiceId, String customerId, List<Reference> names) {
    for (Reference r : names) {
      references.computeIfAbsent(key(tenantId, r.text()), k -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()))
          .put(customerId + "|" + invoiceId, new ReferenceHit(customerId, invoiceId, r.kind()));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<ReferenceHit>> referencesOf(String tenantId, String reference) {
    Map<String, ReferenceHit> hits = references.get(key(tenantId, reference));
    if (hits == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    synchronized (hits) {
      return CompletableFuture.completedFuture(List.copyOf(hits.values()));
    }
  }

  @Override
  public CompletionStage<Optional<ReferenceHit>> byNumber(String tenantId, String invoiceNumber) {
    return referencesOf(tenantId, invoiceNumber)
        .thenApply(hits -> hits.stream().filter(h -> h.kind() == ReferenceKind.NUMBER).findFirst());
  }

  @Override
  public CompletionStage<Done> save(String tenantId, Summary invoice) {
    byId.put(tenantId + ":" + invoice.invoiceId(), invoice);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Page> ofCustomer(String tenantId, String customerId, Filter filter, int limit, String pageToken) {
    List<Summary> found = byId.entrySet().stream()
        .filter(e -> e.getKey().startsWith(tenantId + ":") && e.getValue().customerId().equals(customerId))
        .map(Map.Entry::getValue)
        .filter(s -> switch (filter) {
          case OPEN -> s.status().isOpen();
          case PAID -> s.status() == dev.o2c.invoice.InvoiceStatus.PAID;
          case ALL -> true;
        })
        .sorted(Comparator.comparing(Summary::issuedOn).reversed())
        .toList();
    return CompletableFuture.completedFuture(new Page(found, null));
  }

  private static String key(String tenantId, String reference) {
    return tenantId + ":" + reference.toLowerCase(Locale.ROOT);
  }
}
